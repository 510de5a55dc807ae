module argo-otel/test/go/yamux-peer

go 1.26

require github.com/hashicorp/yamux v0.1.1
