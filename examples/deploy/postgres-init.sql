-- One database per service, created when the PostgreSQL container starts with an empty data directory.
CREATE DATABASE user_service;
CREATE DATABASE email_service;
CREATE DATABASE order_service;
CREATE DATABASE inventory_service;
CREATE DATABASE payment_service;
CREATE DATABASE shipping_service;
