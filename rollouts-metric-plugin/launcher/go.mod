module github.com/argo-otel/argo-otel/rollouts-metric-plugin/launcher

go 1.22
