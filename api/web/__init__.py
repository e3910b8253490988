"""The planner's web page (`/`): templates, scripts and the vendored ECharts, over the /v1 API."""
