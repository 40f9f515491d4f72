//! The workloads of the seed: kube-proxy (DaemonSet) and CoreDNS
//! (Deployment + `kube-dns` Service) in kube-system, the default
//! StorageClass, the `kubernetes` Service's endpoints, and the `demo`
//! namespace (the docs' `myapp-pod` with two init containers, a `web`
//! Deployment behind a Service, a `db` StatefulSet with a headless Service
//! and a volume claim template, a `pi` Job and a `report` CronJob).
//!
//! Workloads are seeded without status: the controllers create their pods
//! and the scheduler and kubelets bring those up, as on a fresh cluster.

use serde_json::{Value, json};

use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, WriteOptions};

const SYSTEM: &str = r#"
- kind: StorageClass
  apiVersion: storage.k8s.io/v1
  metadata:
    name: standard
    annotations: {storageclass.kubernetes.io/is-default-class: "true"}
  provisioner: rancher.io/local-path
  reclaimPolicy: Delete
  volumeBindingMode: Immediate
- kind: DaemonSet
  apiVersion: apps/v1
  metadata: {name: kube-proxy, namespace: kube-system, labels: {k8s-app: kube-proxy}}
  spec:
    selector: {matchLabels: {k8s-app: kube-proxy}}
    template:
      metadata: {labels: {k8s-app: kube-proxy}}
      spec:
        hostNetwork: true
        priorityClassName: system-node-critical
        serviceAccountName: kube-proxy
        nodeSelector: {kubernetes.io/os: linux}
        tolerations: [{operator: Exists}]
        containers:
        - name: kube-proxy
          image: registry.k8s.io/kube-proxy:v1.32.2
          command: [/usr/local/bin/kube-proxy, --config=/var/lib/kube-proxy/config.conf, --hostname-override=$(NODE_NAME)]
          env: [{name: NODE_NAME, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: spec.nodeName}}}]
          securityContext: {privileged: true}
- kind: Deployment
  apiVersion: apps/v1
  metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
  spec:
    replicas: 2
    strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
    selector: {matchLabels: {k8s-app: kube-dns}}
    template:
      metadata: {labels: {k8s-app: kube-dns}}
      spec:
        priorityClassName: system-cluster-critical
        serviceAccountName: coredns
        nodeSelector: {kubernetes.io/os: linux}
        tolerations:
        - {key: CriticalAddonsOnly, operator: Exists}
        - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
        containers:
        - name: coredns
          image: registry.k8s.io/coredns/coredns:v1.11.3
          args: [-conf, /etc/coredns/Corefile]
          resources:
            limits: {memory: 170Mi}
            requests: {cpu: 100m, memory: 70Mi}
          ports:
          - {name: dns, containerPort: 53, protocol: UDP}
          - {name: dns-tcp, containerPort: 53, protocol: TCP}
          - {name: metrics, containerPort: 9153, protocol: TCP}
          readinessProbe: {httpGet: {path: /ready, port: 8181, scheme: HTTP}}
- kind: Service
  apiVersion: v1
  metadata:
    name: kube-dns
    namespace: kube-system
    labels: {k8s-app: kube-dns, kubernetes.io/cluster-service: "true", kubernetes.io/name: CoreDNS}
  spec:
    clusterIP: 10.96.0.10
    selector: {k8s-app: kube-dns}
    ports:
    - {name: dns, port: 53, protocol: UDP, targetPort: 53}
    - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
    - {name: metrics, port: 9153, protocol: TCP, targetPort: 9153}
"#;

const DEMO: &str = r#"
- kind: Pod
  apiVersion: v1
  metadata: {name: myapp-pod, namespace: demo, labels: {app.kubernetes.io/name: MyApp, app: myapp}}
  spec:
    containers:
    - name: myapp-container
      image: busybox:1.28
      command: [sh, -c, echo The app is running! && sleep 3600]
    initContainers:
    - name: init-myservice
      image: busybox:1.28
      command: [sh, -c, "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done"]
    - name: init-mydb
      image: busybox:1.28
      command: [sh, -c, "until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done"]
- kind: Service
  apiVersion: v1
  metadata: {name: myservice, namespace: demo}
  spec:
    ports: [{protocol: TCP, port: 80, targetPort: 9376}]
- kind: Service
  apiVersion: v1
  metadata: {name: mydb, namespace: demo}
  spec:
    ports: [{protocol: TCP, port: 80, targetPort: 9377}]
- kind: Deployment
  apiVersion: apps/v1
  metadata: {name: web, namespace: demo, labels: {app: web}}
  spec:
    replicas: 3
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
        - name: nginx
          image: nginx:1.27
          ports: [{name: http, containerPort: 80}]
          resources: {requests: {cpu: 50m, memory: 32Mi}}
- kind: Service
  apiVersion: v1
  metadata: {name: web, namespace: demo, labels: {app: web}}
  spec:
    selector: {app: web}
    ports: [{name: http, port: 80, targetPort: http}]
- kind: Service
  apiVersion: v1
  metadata: {name: db, namespace: demo, labels: {app: db}}
  spec:
    clusterIP: None
    selector: {app: db}
    ports: [{name: postgres, port: 5432}]
- kind: StatefulSet
  apiVersion: apps/v1
  metadata: {name: db, namespace: demo, labels: {app: db}}
  spec:
    serviceName: db
    replicas: 2
    selector: {matchLabels: {app: db}}
    template:
      metadata: {labels: {app: db}}
      spec:
        containers:
        - name: postgres
          image: postgres:16.4
          env: [{name: POSTGRES_PASSWORD, value: demo}, {name: PGDATA, value: /var/lib/postgresql/data/pgdata}]
          ports: [{name: postgres, containerPort: 5432}]
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
    volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
- kind: Job
  apiVersion: batch/v1
  metadata: {name: pi, namespace: demo}
  spec:
    backoffLimit: 4
    template:
      spec:
        restartPolicy: Never
        containers:
        - name: pi
          image: perl:5.34.0
          command: [perl, -Mbignum=bpi, -wle, print bpi(2000)]
- kind: CronJob
  apiVersion: batch/v1
  metadata: {name: report, namespace: demo}
  spec:
    schedule: "*/5 * * * *"
    jobTemplate:
      spec:
        template:
          spec:
            restartPolicy: OnFailure
            containers:
            - name: report
              image: busybox:1.36
              command: [sh, -c, date; echo Generating the hourly report]
"#;

/// Writes the system workloads, the `kubernetes` endpoints and the demo.
pub fn seed(store: &Store, control_plane_ip: &str) -> Result<(), StoreError> {
    for sa in ["kube-proxy", "coredns"] {
        store.create(
            &ids::serviceaccounts(),
            "kube-system",
            json!({"metadata": {"name": sa}}),
            WriteOptions::default(),
        )?;
    }
    kubernetes_endpoints(store, control_plane_ip)?;
    for manifest in [SYSTEM, DEMO] {
        let objects: Vec<Value> = serde_saphyr::from_str(manifest)
            .map_err(|e| StoreError::Internal(format!("seed manifest: {e}")))?;
        for obj in objects {
            let rt = store
                .registry()
                .by_kind(
                    obj["apiVersion"].as_str().unwrap_or_default(),
                    obj["kind"].as_str().unwrap_or_default(),
                )
                .ok_or_else(|| {
                    StoreError::Internal(format!("seed: unknown kind {}", obj["kind"]))
                })?;
            let id = rt.id();
            let ns = obj["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            store.create(&id, &ns, obj, WriteOptions::default())?;
        }
    }
    Ok(())
}

/// What the apiserver itself maintains for the `kubernetes` Service.
fn kubernetes_endpoints(store: &Store, ip: &str) -> Result<(), StoreError> {
    store.create(
        &ids::endpoints(),
        "default",
        json!({"metadata": {"name": "kubernetes", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
               "subsets": [{"addresses": [{"ip": ip}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]}),
        WriteOptions::default(),
    )?;
    store.create(
        &ids::endpointslices(),
        "default",
        json!({"metadata": {"name": "kubernetes", "labels": {"kubernetes.io/service-name": "kubernetes"}},
               "addressType": "IPv4",
               "endpoints": [{"addresses": [ip], "conditions": {"ready": true}}],
               "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}),
        WriteOptions::default(),
    )?;
    Ok(())
}
