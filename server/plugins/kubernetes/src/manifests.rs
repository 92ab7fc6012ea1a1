//! Kubernetes objects from a contract's JSON form (spec §1.4): the workload kind follows the
//! state semantics, Services follow the interfaces, probes follow `runtime.health`, scaling
//! becomes replicas or a HorizontalPodAutoscaler, high data criticality a PodDisruptionBudget.

use serde_json::{Map, Value, json};

/// Options from `--option key=value`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub namespace: Option<String>,
    pub image: Option<String>,
    /// `loadbalancer` makes Services of public interfaces `type: LoadBalancer`.
    pub expose: Option<String>,
    /// Cron schedule for `scheduled` workloads.
    pub schedule: Option<String>,
}

pub struct File {
    pub path: String,
    pub objects: Vec<Value>,
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// The interfaces with a port, each with its port: the ones a Service or a container port serves.
fn ported_interfaces(contract: &Value) -> impl Iterator<Item = (&Value, i64)> {
    let interfaces = contract.get("interfaces").and_then(Value::as_array).into_iter().flatten();
    interfaces.filter_map(|it| Some((it, it.get("port").and_then(Value::as_i64)?)))
}

/// What the workload must be, from the workload type and the state semantics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Deployment,
    /// Persistent, local scope: each replica owns its volume.
    StatefulSet,
    /// Persistent, shared scope: replicas share one claim.
    SharedVolumeDeployment,
    Job,
    CronJob,
}

fn kind(contract: &Value) -> Kind {
    match str_at(contract, "/runtime/workload") {
        "job" => return Kind::Job,
        "scheduled" => return Kind::CronJob,
        _ => {}
    }
    let persistent = str_at(contract, "/runtime/state/persistence/durability") == "persistent";
    match (persistent, str_at(contract, "/runtime/state/persistence/scope")) {
        (true, "local") => Kind::StatefulSet,
        (true, "shared") => Kind::SharedVolumeDeployment,
        _ => Kind::Deployment,
    }
}

pub fn generate(contract: &Value, options: &Options) -> Vec<File> {
    let name = str_at(contract, "/service/name").to_owned();
    let version = str_at(contract, "/service/version").to_owned();
    let labels = json!({
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/version": version,
        "app.kubernetes.io/managed-by": "pacto",
    });
    let selector = json!({"app.kubernetes.io/name": name});
    let metadata = |suffix: &str| {
        let mut meta = Map::new();
        meta.insert("name".into(), format!("{name}{suffix}").into());
        if let Some(namespace) = &options.namespace {
            meta.insert("namespace".into(), namespace.clone().into());
        }
        meta.insert("labels".into(), labels.clone());
        Value::Object(meta)
    };
    let kind = kind(contract);
    let mut files = Vec::new();
    let pod = pod_template(contract, options, &name, &version, &labels, kind);
    let scaling = contract.get("scaling");
    let replicas = scaling.and_then(|it| it.get("replicas")).and_then(Value::as_i64);
    let (min, max) = (
        scaling.and_then(|it| it.get("min")).and_then(Value::as_i64).unwrap_or(0),
        scaling.and_then(|it| it.get("max")).and_then(Value::as_i64).unwrap_or(0),
    );
    let autoscaled = scaling.is_some() && replicas.is_none() && max > 0;
    let fixed = replicas.or(if autoscaled { Some(min.max(1)) } else { None });
    let workload = match kind {
        Kind::Deployment | Kind::SharedVolumeDeployment => {
            let mut spec = Map::new();
            if let Some(count) = fixed {
                spec.insert("replicas".into(), count.into());
            }
            spec.insert("selector".into(), json!({"matchLabels": selector}));
            if let Some(strategy) = deployment_strategy(contract) {
                spec.insert("strategy".into(), strategy);
            }
            spec.insert("template".into(), pod.clone());
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata(""), "spec": spec})
        }
        Kind::StatefulSet => {
            let mut spec = Map::new();
            spec.insert("serviceName".into(), name.clone().into());
            if let Some(count) = fixed {
                spec.insert("replicas".into(), count.into());
            }
            spec.insert("selector".into(), json!({"matchLabels": selector}));
            // Ordered upgrades map onto the StatefulSet's ordered pod management.
            let ordered = str_at(contract, "/runtime/lifecycle/upgradeStrategy") == "ordered";
            spec.insert("podManagementPolicy".into(), if ordered { "OrderedReady" } else { "Parallel" }.into());
            spec.insert("template".into(), pod.clone());
            spec.insert(
                "volumeClaimTemplates".into(),
                json!([{
                    "metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
                }]),
            );
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": metadata(""), "spec": spec})
        }
        Kind::Job => json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": metadata(""),
            "spec": {"backoffLimit": 3, "template": pod.clone()},
        }),
        Kind::CronJob => json!({
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": metadata(""),
            "spec": {
                "schedule": options.schedule.clone().unwrap_or_else(|| "@hourly".to_owned()),
                "jobTemplate": {"spec": {"backoffLimit": 3, "template": pod.clone()}},
            },
        }),
    };
    let workload_file = match kind {
        Kind::Deployment | Kind::SharedVolumeDeployment => "deployment.yaml",
        Kind::StatefulSet => "statefulset.yaml",
        Kind::Job => "job.yaml",
        Kind::CronJob => "cronjob.yaml",
    };
    files.push(File { path: workload_file.to_owned(), objects: vec![workload] });
    if kind == Kind::SharedVolumeDeployment {
        let claim = json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": metadata("-data"),
            "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Gi"}}},
        });
        files.push(File { path: "persistentvolumeclaim.yaml".to_owned(), objects: vec![claim] });
    }
    let services: Vec<Value> = ported_interfaces(contract)
        .map(|(interface, port)| {
            let iface = str_at(interface, "/name");
            let public = str_at(interface, "/visibility") == "public";
            let mut meta = metadata(&format!("-{}", dns_label(iface))).as_object().cloned().unwrap_or_default();
            if public {
                meta.insert("annotations".into(), json!({"pacto.trianalab.com/visibility": "public"}));
            }
            let mut spec = Map::new();
            if public && options.expose.as_deref() == Some("loadbalancer") {
                spec.insert("type".into(), "LoadBalancer".into());
            }
            spec.insert("selector".into(), selector.clone());
            let protocol_name = if str_at(interface, "/type") == "grpc" { "grpc" } else { "http" };
            spec.insert(
                "ports".into(),
                json!([{"name": protocol_name, "port": port, "targetPort": port, "protocol": "TCP"}]),
            );
            json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})
        })
        .collect();
    if !services.is_empty() && !matches!(kind, Kind::Job | Kind::CronJob) {
        files.push(File { path: "service.yaml".to_owned(), objects: services });
    }
    if autoscaled && !matches!(kind, Kind::Job | Kind::CronJob) {
        let target_kind = if kind == Kind::StatefulSet { "StatefulSet" } else { "Deployment" };
        let hpa = json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(""),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": name},
                "minReplicas": min.max(1),
                "maxReplicas": max.max(min.max(1)),
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}],
            },
        });
        files.push(File { path: "horizontalpodautoscaler.yaml".to_owned(), objects: vec![hpa] });
    }
    if str_at(contract, "/runtime/state/dataCriticality") == "high" && !matches!(kind, Kind::Job | Kind::CronJob) {
        let pdb = json!({
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": metadata(""),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}},
        });
        files.push(File { path: "poddisruptionbudget.yaml".to_owned(), objects: vec![pdb] });
    }
    files
}

fn deployment_strategy(contract: &Value) -> Option<Value> {
    match str_at(contract, "/runtime/lifecycle/upgradeStrategy") {
        "recreate" => Some(json!({"type": "Recreate"})),
        "rolling" | "ordered" => Some(json!({"type": "RollingUpdate"})),
        _ => None,
    }
}

fn pod_template(contract: &Value, options: &Options, name: &str, version: &str, labels: &Value, kind: Kind) -> Value {
    let image = options
        .image
        .clone()
        .or_else(|| contract.pointer("/service/image/ref").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| format!("{name}:{version}"));
    let mut container = Map::new();
    container.insert("name".into(), name.into());
    container.insert("image".into(), image.into());
    let ports: Vec<Value> = ported_interfaces(contract)
        .map(|(it, port)| json!({"name": port_name(str_at(it, "/name")), "containerPort": port, "protocol": "TCP"}))
        .collect();
    if !ports.is_empty() {
        container.insert("ports".into(), Value::Array(ports));
    }
    if let Some(probe) = probe(contract) {
        container.insert("livenessProbe".into(), probe.clone());
        container.insert("readinessProbe".into(), probe);
    }
    match kind {
        Kind::StatefulSet | Kind::SharedVolumeDeployment => {
            container.insert("volumeMounts".into(), json!([{"name": "data", "mountPath": "/data"}]));
        }
        _ => {}
    }
    let mut spec = Map::new();
    spec.insert("containers".into(), json!([Value::Object(container)]));
    if matches!(kind, Kind::Job | Kind::CronJob) {
        spec.insert("restartPolicy".into(), "OnFailure".into());
    }
    if let Some(seconds) = contract.pointer("/runtime/lifecycle/gracefulShutdownSeconds").and_then(Value::as_i64) {
        spec.insert("terminationGracePeriodSeconds".into(), seconds.into());
    }
    if kind == Kind::SharedVolumeDeployment {
        spec.insert(
            "volumes".into(),
            json!([{"name": "data", "persistentVolumeClaim": {"claimName": format!("{name}-data")}}]),
        );
    }
    let mut metadata = json!({"labels": labels});
    // Only the 2.0 shape has it: a metrics capability bound to an interface (see `v2`).
    if let Some(metrics) = contract.pointer("/runtime/metrics") {
        metadata["annotations"] = json!({
            "prometheus.io/scrape": "true",
            "prometheus.io/port": metrics.get("port").map(Value::to_string).unwrap_or_default(),
            "prometheus.io/path": str_at(metrics, "/path"),
        });
    }
    json!({"metadata": metadata, "spec": spec})
}

/// Probes from `runtime.health`: HTTP GET on the path for http, the gRPC health protocol for grpc.
fn probe(contract: &Value) -> Option<Value> {
    let health = contract.pointer("/runtime/health")?;
    let wanted = str_at(health, "/interface");
    let interface = contract.get("interfaces")?.as_array()?.iter().find(|it| str_at(it, "/name") == wanted)?;
    let port = interface.get("port").and_then(Value::as_i64)?;
    let mut probe = match str_at(interface, "/type") {
        "http" => json!({"httpGet": {"path": str_at(health, "/path"), "port": port}}),
        "grpc" => json!({"grpc": {"port": port}}),
        _ => json!({"tcpSocket": {"port": port}}),
    };
    if let Some(delay) = health.get("initialDelaySeconds").and_then(Value::as_i64) {
        probe["initialDelaySeconds"] = delay.into();
    }
    Some(probe)
}

/// Kubernetes port names are at most 15 characters of `[a-z0-9-]`.
fn port_name(interface: &str) -> String {
    let mut name: String = dns_label(interface).chars().take(15).collect();
    while name.ends_with('-') {
        name.pop();
    }
    if name.is_empty() { "port".to_owned() } else { name }
}

fn dns_label(text: &str) -> String {
    text.to_ascii_lowercase().chars().map(|it| if it.is_ascii_alphanumeric() { it } else { '-' }).collect()
}
