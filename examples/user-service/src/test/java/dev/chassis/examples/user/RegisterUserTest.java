package dev.chassis.examples.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.chassis.examples.support.ApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegisterUserTest {
    @Test
    void acceptsAValidRegistrationWithoutSurroundingSpaces() {
        // when
        RegisterUser valid = new RegisterUser("  Ada Lovelace ", " ada@example.com\n").validated();

        // then
        assertThat(valid).isEqualTo(new RegisterUser("Ada Lovelace", "ada@example.com"));
    }

    @Test
    void namesEveryInvalidField() {
        // when
        ApiException refusal = catchThrowableOfType(ApiException.class,
                () -> new RegisterUser(" ", "ada.example.com").validated());

        // then
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.body()).isEqualTo(Map.of("error", "validation failed", "fields", Map.of(
                "name", "must not be blank",
                "email", "must be an e-mail address like ada@example.com")));
    }

    @Test
    void refusesMissingFieldsAndOverlongNames() {
        // when
        ApiException missing = catchThrowableOfType(ApiException.class, () -> new RegisterUser(null, null).validated());
        ApiException overlong = catchThrowableOfType(ApiException.class,
                () -> new RegisterUser("x".repeat(101), "ada@example.com").validated());

        // then
        assertThat(missing.fields()).containsOnlyKeys("name", "email").containsEntry("email", "must not be blank");
        assertThat(overlong.fields()).isEqualTo(Map.of("name", "must be at most 100 characters"));
    }

    @Test
    void refusesAddressesWithoutADomainDotOrWithSpaces() {
        for (String email : new String[] {"ada@example", "ada @example.com", "@example.com", "ada@@example.com", "ada@.com"}) {
            assertThat(catchThrowableOfType(ApiException.class, () -> new RegisterUser("Ada", email).validated()).fields())
                    .as(email).containsOnlyKeys("email");
        }
    }
}
