// Package k8s holds corescale's Kubernetes manifests (job.yaml and the files
// beside it) and the tests that check them offline: each decodes strictly
// into k8s.io/api's types (an unknown or misspelled field fails), and the
// containers' commands run locally with the variables a pod gets. It is a
// module of its own so that the corescale module does not carry Kubernetes.
package k8s
