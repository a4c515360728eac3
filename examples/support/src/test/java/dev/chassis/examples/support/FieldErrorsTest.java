package dev.chassis.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldErrorsTest {
    @Test
    void namesEveryInvalidFieldWithItsFirstProblem() {
        // given
        FieldErrors errors = FieldErrors.create()
                .check(false, "name", "must not be blank")
                .check(true, "age", "must be positive")
                .check(false, "email", "must be an e-mail address")
                .check(false, "name", "must be at most 100 characters");

        // when
        ApiException refusal = catchThrowableOfType(ApiException.class, errors::throwIfAny);

        // then
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.body()).isEqualTo(Map.of("error", "validation failed",
                "fields", Map.of("name", "must not be blank", "email", "must be an e-mail address")));
    }

    @Test
    void throwsNothingWhenEveryFieldIsValid() {
        // given
        FieldErrors errors = FieldErrors.create().check(true, "name", "must not be blank");

        // then
        assertThat(errors.hasErrors()).isFalse();
        assertThatCode(errors::throwIfAny).doesNotThrowAnyException();
    }

    @Test
    void refusalsWithoutFieldsHaveOnlyTheError() {
        assertThat(ApiException.notFound("no user u-1").body()).isEqualTo(Map.of("error", "no user u-1"));
        assertThat(ApiException.conflict("taken").status()).isEqualTo(409);
    }
}
