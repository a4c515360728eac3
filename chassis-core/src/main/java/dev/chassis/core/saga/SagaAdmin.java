package dev.chassis.core.saga;

import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The admin routes of a {@link SagaOrchestrator}. */
final class SagaAdmin {
    private SagaAdmin() {
    }

    static List<AdminRoute> routes(SagaOrchestrator orchestrator) {
        return List.of(
                AdminRoute.get("/chassis/sagas", request -> {
                    Optional<String> state = request.queryParam("state");
                    if (state.isEmpty()) {
                        Map<String, Object> view = new LinkedHashMap<>();
                        view.put("counts", orchestrator.counts());
                        view.put("metrics", orchestrator.metrics());
                        view.put("definitions", orchestrator.definitions());
                        return AdminResponse.json(200, view);
                    }
                    SagaState s;
                    try {
                        s = SagaState.valueOf(state.get().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        return AdminResponse.error(400, "state must be one of " + List.of(SagaState.values())
                                + ", was '" + state.get() + "'");
                    }
                    int limit;
                    try {
                        limit = Integer.parseInt(request.queryParam("limit").orElse("100"));
                    } catch (NumberFormatException e) {
                        limit = -1;
                    }
                    if (limit < 1 || limit > 1000) {
                        return AdminResponse.error(400, "limit must be 1..1000");
                    }
                    List<SagaStatus> sagas = orchestrator.inState(s, request.queryParam("after").orElse(""), limit);
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("state", s);
                    view.put("sagas", sagas.stream().map(SagaAdmin::summary).toList());
                    if (sagas.size() == limit) {
                        view.put("next", sagas.get(sagas.size() - 1).id());
                    }
                    return AdminResponse.json(200, view);
                }),
                AdminRoute.get("/chassis/sagas/{id}", request -> {
                    String id = request.pathParam("id");
                    return orchestrator.status(id)
                            .map(status -> AdminResponse.json(200, status))
                            .orElseGet(() -> AdminResponse.error(404, "no saga with id '" + id + "'"));
                }));
    }

    private static Map<String, Object> summary(SagaStatus s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", s.id());
        view.put("type", s.type());
        view.put("definitionVersion", s.definitionVersion());
        view.put("state", s.state());
        view.put("step", s.step());
        view.put("failure", s.failure());
        view.put("updatedAt", s.updatedAt());
        return view;
    }
}
