package dev.chassis.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static AdminRoute get(String template) {
        return AdminRoute.get(template, request -> AdminResponse.json(200, Map.of()));
    }

    @Test
    void firstLiteralSegmentDecidesBetweenOverlappingTemplates() {
        // given
        RouteTable table = new RouteTable(List.of(get("/{a}/b/{c}"), get("/x/{b}/{c}"), get("/x/{b}/z")));

        // when
        RouteTable.Match literalFirst = table.match("GET", "/x/b/y");
        RouteTable.Match literalLast = table.match("GET", "/x/q/z");
        RouteTable.Match paramFirst = table.match("GET", "/w/b/y");

        // then
        assertThat(((RouteTable.Found) literalFirst).route().pathTemplate()).isEqualTo("/x/{b}/{c}");
        assertThat(((RouteTable.Found) literalLast).route().pathTemplate()).isEqualTo("/x/{b}/z");
        assertThat(((RouteTable.Found) paramFirst).params()).isEqualTo(Map.of("a", "w", "c", "y"));
    }

    @Test
    void emptySegmentsAndTrailingSlashesDoNotMatch() {
        // given
        RouteTable table = new RouteTable(List.of(get("/health"), get("/items/{id}")));

        // when / then
        assertThat(table.match("GET", "/health/")).isInstanceOf(RouteTable.NotFound.class);
        assertThat(table.match("GET", "/items/")).isInstanceOf(RouteTable.NotFound.class);
        assertThat(table.match("GET", "//health")).isInstanceOf(RouteTable.NotFound.class);
        assertThat(table.match("GET", "/")).isInstanceOf(RouteTable.NotFound.class);
    }

    @Test
    void methodNotAllowedListsTheMethodsOfEveryMatchingTemplate() {
        // given
        RouteTable table = new RouteTable(List.of(
                get("/items/{id}"),
                AdminRoute.post("/items/all", request -> AdminResponse.json(200, Map.of())),
                new AdminRoute("DELETE", "/items/{id}", request -> AdminResponse.json(200, Map.of()))));

        // when
        RouteTable.Match match = table.match("PUT", "/items/all");

        // then
        assertThat(((RouteTable.MethodNotAllowed) match).allowed()).containsExactly("DELETE", "GET", "POST");
    }
}
