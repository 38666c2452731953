# Slipway: one entry point for building, testing and the local sandbox. `make help` lists targets.
include hack/versions.env

MVN ?= mvn -B
SHELL := bash

.DEFAULT_GOAL := help
.PHONY: help deps build plugin test crds docs sandbox sandbox-down sandbox-status demo demo-down bench-build bench bench-rollback chaos

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

deps: ## install moto if missing or not the pinned version; build kube-apiserver, kube-controller-manager, kubectl and helm once per machine (pins: hack/versions.env)
	@if [ "$$(python3 -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" != "$(MOTO_VERSION)" ] \
	    || ! command -v moto_server >/dev/null; then \
	  echo "deps: installing moto[server]==$(MOTO_VERSION)"; \
	  python3 -m pip install -q "moto[server]==$(MOTO_VERSION)"; \
	fi
	@hack/build-kube.sh >/dev/null
	@hack/build-helm.sh >/dev/null

build: ## compile and package the operator, regenerating CRDs into target/kubernetes
	$(MVN) package -DskipTests

plugin: ## build target/kubectl-slipway, the kubectl plugin (copy it onto the PATH), and its krew archive and manifest under target/
	$(MVN) -q package -DskipTests -Dquarkus.build.skip=true
	@tar -C target --owner=0 --group=0 --mtime=@0 -cf - kubectl-slipway | gzip -n > target/kubectl-slipway.tar.gz
	@mkdir -p target/krew
	@sed "s/sha256: SHA256/sha256: $$(sha256sum target/kubectl-slipway.tar.gz | cut -d" " -f1)/" deploy/krew/slipway.yaml > target/krew/slipway.yaml
	@echo "plugin: target/kubectl-slipway ($$(du -h target/kubectl-slipway | cut -f1)); krew: target/kubectl-slipway.tar.gz, target/krew/slipway.yaml"

test: deps ## unit and end-to-end tests (real kube-apiserver + etcd, moto), in one Maven run; then the bench must still compile
	$(MVN) verify
	@$(MAKE) --no-print-directory bench-build

crds: ## regenerate the CRDs and copy them to deploy/crds/ (commit the result)
	$(MVN) package -DskipTests -q
	@mkdir -p deploy/crds
	@for f in target/kubernetes/*-v1.yml; do \
	  n=$$(basename "$$f" -v1.yml); cp "$$f" "deploy/crds/$$n.yaml"; echo "crds: deploy/crds/$$n.yaml"; \
	done

sandbox: deps ## start etcd, kube-apiserver, kube-controller-manager (GC, namespaces) and moto on loopback; then: source .sandbox/env
	@hack/sandbox.sh up

sandbox-down: ## stop the sandbox (its data under .sandbox/ stays)
	@hack/sandbox.sh down

sandbox-status: ## show what of the sandbox runs
	@hack/sandbox.sh status

demo: deps ## the sandbox, the operator, the nexus stack, a promoted canary and a rolled-back one
	@hack/demo.sh

demo-down: ## stop the demo's operator and the sandbox
	@hack/demo.sh stop

docs: ## regenerate docs/api-reference.md from deploy/crds
	$(MVN) -q test -Dtest=ApiReferenceTest -Dslipway.docs.write=true -Dsurefire.failIfNoSpecifiedTests=false

BENCH_ARGS ?=
JMH_ARGS ?=
JMH_RESULT ?= target/jmh.json
BENCH_CP = target/classes:$$(cat target/classpath.txt)

bench-build: ## compile the bench against the operator's jar (make test runs it too, so the bench cannot drift from the code)
	$(MVN) -q install -DskipTests -Dquarkus.build.skip=true
	cd bench && $(MVN) -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt

bench: ## benchmarks, not part of `make test`: resync cost of the nexus stack against moto, JMH of the release machine (bench/README.md)
	@command -v moto_server >/dev/null || python3 -m pip install -q "moto[server]==$(MOTO_VERSION)"
	@$(MAKE) --no-print-directory bench-build
	cd bench && java -cp "$(BENCH_CP)" dev.slipway.bench.ResyncBench $(BENCH_ARGS)
	cd bench && java -cp "$(BENCH_CP)" org.openjdk.jmh.Main -rf json -rff $(JMH_RESULT) $(JMH_ARGS)

ROLLBACK_ARGS ?=

bench-rollback: ## how long a rollback waits while every service resyncs, without and with the reconciler lanes; not part of `make test` (bench/README.md)
	@command -v moto_server >/dev/null || python3 -m pip install -q "moto[server]==$(MOTO_VERSION)"
	@$(MAKE) --no-print-directory bench-build
	cd bench && java -cp "$(BENCH_CP)" dev.slipway.bench.RollbackBench $(ROLLBACK_ARGS)

CHAOS_ARGS ?=

chaos: deps ## kill -9 the packaged operator through 50 releases, then fail a leader over mid-canary; not part of `make test` (bench/README.md)
	$(MVN) -q package -DskipTests
	@$(MAKE) --no-print-directory bench-build
	cd bench && java -cp "$(BENCH_CP)" dev.slipway.bench.ChaosBench $(CHAOS_ARGS)
