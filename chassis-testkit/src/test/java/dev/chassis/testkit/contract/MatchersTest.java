package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every matcher, accepting what it should and rejecting what it should, on a response body. */
class MatchersTest {

    private static List<Mismatch> check(Object expectedBody, String actualJson) {
        HttpInteraction interaction = HttpInteraction.builder("check")
                .response(r -> r.body(expectedBody)).build();
        return HttpParts.matchResponse("check", interaction.node().get("response"), 200,
                Map.of("Content-Type", List.of("application/json")), actualJson.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> paths(List<Mismatch> mismatches) {
        return mismatches.stream().map(Mismatch::path).toList();
    }

    @Test
    void likeAcceptsAnyValueOfTheSameTypeAndRejectsAnotherType() {
        assertThat(check(Map.of("name", Matchers.like("Ada")), "{\"name\":\"Grace\"}")).isEmpty();
        assertThat(check(Map.of("name", Matchers.like("Ada")), "{\"name\":7}"))
                .singleElement().satisfies(m -> {
                    assertThat(m.path()).isEqualTo("$.body.name");
                    assertThat(m.rule()).startsWith("type").contains("is a number, not a string");
                });
    }

    @Test
    void likeOnAnObjectMatchesEveryNestedFieldByType() {
        Object expected = Matchers.like(Map.of("user", Map.of("id", 1, "tags", List.of("a"))));
        assertThat(check(expected, "{\"user\":{\"id\":99,\"tags\":[\"x\",\"y\"],\"extra\":true}}")).isEmpty();
        assertThat(paths(check(expected, "{\"user\":{\"id\":\"99\",\"tags\":[]}}"))).containsExactly("$.body.user.id");
    }

    @Test
    void withoutAMatcherValuesMustBeEqualAndResponsesMayHaveExtraKeys() {
        assertThat(check(Map.of("id", 1), "{\"id\":1,\"more\":2}")).isEmpty();
        assertThat(check(Map.of("id", 1), "{\"id\":2}")).singleElement()
                .satisfies(m -> assertThat(m.rule()).isEqualTo("equality"));
        assertThat(check(Map.of("id", 1), "{}")).singleElement()
                .satisfies(m -> assertThat(m.actual()).isEqualTo("(missing)"));
    }

    @Test
    void equalToRejectsOtherValuesEvenInsideLike() {
        Object expected = Matchers.like(Map.of("kind", Matchers.equalTo("user"), "id", 1));
        assertThat(check(expected, "{\"kind\":\"user\",\"id\":5}")).isEmpty();
        assertThat(paths(check(expected, "{\"kind\":\"admin\",\"id\":5}"))).containsExactly("$.body.kind");
    }

    @Test
    void regexMustMatchTheWholeString() {
        Object expected = Map.of("sku", Matchers.regex("[A-Z]{3}-\\d+", "ABC-1"));
        assertThat(check(expected, "{\"sku\":\"XYZ-42\"}")).isEmpty();
        assertThat(check(expected, "{\"sku\":\"XYZ-42 and more\"}")).singleElement()
                .satisfies(m -> assertThat(m.rule()).contains("regex", "does not match"));
    }

    @Test
    void integerAcceptsWholeNumbersOnly() {
        assertThat(check(Map.of("n", Matchers.integer(1)), "{\"n\":-12}")).isEmpty();
        assertThat(check(Map.of("n", Matchers.integer(1)), "{\"n\":1.5}")).hasSize(1);
        assertThat(check(Map.of("n", Matchers.integer(1)), "{\"n\":\"1\"}")).hasSize(1);
    }

    @Test
    void decimalRequiresAFraction() {
        assertThat(check(Map.of("n", Matchers.decimal(1.5)), "{\"n\":0.25}")).isEmpty();
        assertThat(check(Map.of("n", Matchers.decimal(1.5)), "{\"n\":3}")).hasSize(1);
    }

    @Test
    void numberAcceptsAnyNumberButNotAString() {
        assertThat(check(Map.of("n", Matchers.number(1)), "{\"n\":3}")).isEmpty();
        assertThat(check(Map.of("n", Matchers.number(1)), "{\"n\":3.5}")).isEmpty();
        assertThat(check(Map.of("n", Matchers.number(1)), "{\"n\":\"3\"}")).hasSize(1);
    }

    @Test
    void boolAcceptsBooleansOnly() {
        assertThat(check(Map.of("b", Matchers.bool(true)), "{\"b\":false}")).isEmpty();
        assertThat(check(Map.of("b", Matchers.bool(true)), "{\"b\":\"false\"}")).hasSize(1);
    }

    @Test
    void dateTimeAndTimestampMustParseWithTheirFormat() {
        Object expected = Map.of(
                "d", Matchers.date("yyyy-MM-dd", "2024-02-29"),
                "t", Matchers.time("HH:mm", "23:59"),
                "ts", Matchers.timestamp("yyyy-MM-dd'T'HH:mm:ssXXX", "2024-05-01T10:15:30+02:00"));
        assertThat(check(expected, "{\"d\":\"2025-12-31\",\"t\":\"00:00\",\"ts\":\"2025-01-01T00:00:00Z\"}")).isEmpty();
        assertThat(paths(check(expected, "{\"d\":\"31.12.2025\",\"t\":\"24:61\",\"ts\":\"2025-01-01\"}")))
                .containsExactlyInAnyOrder("$.body.d", "$.body.t", "$.body.ts");
    }

    @Test
    void includesRequiresTheText() {
        Object expected = Map.of("msg", Matchers.includes("ready", "all ready now"));
        assertThat(check(expected, "{\"msg\":\"not ready yet\"}")).isEmpty();
        assertThat(check(expected, "{\"msg\":\"waiting\"}")).singleElement()
                .satisfies(m -> assertThat(m.rule()).contains("include", "does not include 'ready'"));
    }

    @Test
    void arrayMatchersBoundTheLengthAndMatchEveryElementLikeTheExample() {
        Object expected = Map.of("items", Matchers.arrayLike(1, 2, Map.of("id", Matchers.integer(1))));
        assertThat(check(expected, "{\"items\":[{\"id\":1},{\"id\":2}]}")).isEmpty();
        assertThat(check(expected, "{\"items\":[]}")).singleElement()
                .satisfies(m -> assertThat(m.rule()).contains("fewer than the minimum 1"));
        assertThat(check(expected, "{\"items\":[{\"id\":1},{\"id\":2},{\"id\":3}]}")).singleElement()
                .satisfies(m -> assertThat(m.rule()).contains("more than the maximum 2"));
        assertThat(paths(check(expected, "{\"items\":[{\"id\":1},{\"id\":\"2\"}]}"))).containsExactly("$.body.items[1].id");
        assertThat(check(Map.of("items", Matchers.eachLike("x")), "{\"items\":[]}")).isEmpty();
        assertThat(check(Map.of("items", Matchers.maxArrayLike(1, "x")), "{\"items\":[\"a\",\"b\"]}")).hasSize(1);
        assertThat(check(Map.of("items", Matchers.minArrayLike(2, "x")), "{\"items\":[\"a\"]}")).hasSize(1);
    }

    @Test
    void plainArraysMustHaveTheSameLength() {
        assertThat(check(Map.of("l", List.of(1, 2)), "{\"l\":[1,2]}")).isEmpty();
        assertThat(check(Map.of("l", List.of(1, 2)), "{\"l\":[1,2,3]}")).singleElement()
                .satisfies(m -> assertThat(m.rule()).contains("has 3 elements, not 2"));
    }

    @Test
    void matchersApplyToRequestPathQueryAndHeadersAndRequestsMayNotCarryExtraKeys() {
        // given
        HttpInteraction interaction = HttpInteraction.builder("search")
                .request(r -> r.method("POST").path(Matchers.regex("/users/\\d+", "/users/1"))
                        .query("page", Matchers.integer(1))
                        .header("X-Trace", Matchers.regex("[a-f0-9]{8}", "0a1b2c3d"))
                        .body(Map.of("name", Matchers.like("Ada"))))
                .build();
        HttpParts.Received good = new HttpParts.Received("POST", "/users/77", Map.of("page", List.of("3")),
                Map.of("x-trace", List.of("ffffffff"), "content-type", List.of("application/json; charset=utf-8")),
                "{\"name\":\"Lin\"}".getBytes(StandardCharsets.UTF_8));
        HttpParts.Received bad = new HttpParts.Received("POST", "/users/me", Map.of("page", List.of("x"), "debug", List.of("1")),
                Map.of("x-trace", List.of("nope"), "content-type", List.of("application/json")),
                "{\"name\":\"Lin\",\"admin\":true}".getBytes(StandardCharsets.UTF_8));

        // when
        List<Mismatch> none = HttpParts.matchRequest("search", interaction.node().get("request"), good);
        List<Mismatch> five = HttpParts.matchRequest("search", interaction.node().get("request"), bad);

        // then
        assertThat(none).isEmpty();
        assertThat(paths(five)).containsExactlyInAnyOrder("$.path", "$.query.page[0]", "$.query.debug",
                "$.headers.X-Trace", "$.body.admin");
    }

    @Test
    void factoriesRejectExamplesTheirOwnRuleWouldReject() {
        assertThatThrownBy(() -> Matchers.regex("\\d+", "abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match its example");
        assertThatThrownBy(() -> Matchers.date("yyyy-MM-dd", "2024/01/01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Matchers.includes("x", "abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Matchers.arrayLike(3, 2, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
