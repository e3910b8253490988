"""Diagnosis of a scenario whose hard rules collide: minimal conflict sets (`conflicts`, over the
hard-instance oracle of `oracle`) and the smallest relaxations that restore feasibility
(`relaxations`). `optimizer.solve` uses it; explanations of plans sit above, in `optimizer.explain`."""
