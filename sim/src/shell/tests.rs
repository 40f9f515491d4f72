//! The shell through its public entry points, with a recorded session.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::*;

/// A session that records output and feeds stdin from a script.
#[derive(Default)]
struct Recorded {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    stdin: VecDeque<Vec<u8>>,
    slept: Vec<f64>,
}

impl Io for Recorded {
    fn stdout(&mut self, data: &[u8]) {
        self.stdout.extend_from_slice(data);
    }
    fn stderr(&mut self, data: &[u8]) {
        self.stderr.extend_from_slice(data);
    }
    fn stdin(&mut self) -> Option<Vec<u8>> {
        self.stdin.pop_front()
    }
    fn sleep(&mut self, seconds: f64) -> bool {
        self.slept.push(seconds);
        true
    }
}

struct Pod {
    files: PodFileSystems,
    key: PodKey,
}

fn pod() -> Pod {
    Pod {
        files: PodFileSystems::default(),
        key: PodKey {
            namespace: "demo".into(),
            name: "p".into(),
            uid: "u1".into(),
        },
    }
}

fn ctx(container: &str) -> ContainerContext {
    let pod = json!({
        "metadata": {"name": "p", "namespace": "demo"},
        "spec": {"containers": [
            {"name": "a", "env": [{"name": "GREETING", "value": "hello"}],
             "volumeMounts": [{"name": "shared", "mountPath": "/shared"}]},
            {"name": "b", "volumeMounts": [{"name": "shared", "mountPath": "/data"}]}]},
        "status": {"podIP": "10.244.1.9"}
    });
    let services = [
        json!({"metadata": {"name": "kubernetes", "namespace": "default"},
               "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 443}]}}),
        json!({"metadata": {"name": "myservice", "namespace": "demo"},
               "spec": {"clusterIP": "10.96.0.20", "ports": [{"port": 80}]}}),
    ];
    ContainerContext::from_pod(&pod, container, &services)
}

impl Pod {
    fn run_in(
        &self,
        container: &str,
        argv: &[&str],
        stdin: Option<&[&str]>,
    ) -> (String, String, i32) {
        let ctx = ctx(container);
        let files = self.files.open(self.key.clone(), &ctx, |_| true).unwrap();
        let mut io = Recorded {
            stdin: stdin
                .unwrap_or_default()
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
            ..Default::default()
        };
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let code = exec(&ctx, files, &argv, stdin.is_some(), &mut io);
        (
            String::from_utf8(io.stdout).unwrap(),
            String::from_utf8(io.stderr).unwrap(),
            code,
        )
    }

    fn run(&self, argv: &[&str]) -> (String, String, i32) {
        self.run_in("a", argv, None)
    }

    fn sh(&self, script: &str) -> (String, String, i32) {
        self.run(&["sh", "-c", script])
    }
}

#[test]
fn commands_print_and_exit_like_busybox() {
    let p = pod();
    assert_eq!(
        p.run(&["echo", "hi", "there"]),
        ("hi there\n".into(), "".into(), 0)
    );
    assert_eq!(p.run(&["hostname"]).0, "p\n");
    assert_eq!(p.sh("exit 3").2, 3);
    assert_eq!(
        p.run(&["nope"]),
        ("".into(), "sh: nope: not found\n".into(), 127)
    );
    assert_eq!(
        p.sh("true && echo yes || echo no; false || echo rescued").0,
        "yes\nrescued\n"
    );
    assert_eq!(p.sh("false; echo $?").0, "1\n");
    assert_eq!(p.sh("echo $(hostname)-$GREETING").0, "p-hello\n");
    assert_eq!(p.sh("X=1; echo \"x is $X\"").0, "x is 1\n");
    assert_eq!(p.sh("echo 'unterminated").2, 2);
    let env = p.run(&["env"]).0;
    for line in [
        "HOSTNAME=p",
        "GREETING=hello",
        "KUBERNETES_SERVICE_HOST=10.96.0.1",
        "KUBERNETES_SERVICE_PORT=443",
    ] {
        assert!(env.lines().any(|l| l == line), "{line} in {env}");
    }
    assert_eq!(p.sh("cd /tmp && pwd").0, "/tmp\n");
}

#[test]
fn files_redirections_and_pipes() {
    let p = pod();
    assert_eq!(
        p.sh("echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f").0,
        "one\ntwo\n"
    );
    assert_eq!(p.sh("cat < /tmp/f | cat").0, "one\ntwo\n");
    assert_eq!(p.sh("mkdir -p /tmp/d/e && ls /tmp").0, "d\nf\n");
    assert_eq!(p.sh("rm /tmp/d").2, 1);
    assert_eq!(p.sh("rm -r /tmp/d && ls /tmp").0, "f\n");
    let (_, err, code) = p.run(&["cat", "/missing"]);
    assert_eq!(
        (err.as_str(), code),
        ("cat: /missing: No such file or directory\n", 1)
    );
    assert_eq!(p.sh("nope 2>/dev/null; echo $?").0, "127\n");
    assert_eq!(
        p.sh("nope 2>&1 | cat > /tmp/e; cat /tmp/e").0,
        "sh: nope: not found\n"
    );
    assert!(p.run(&["cat", "/etc/hosts"]).0.contains("10.244.1.9\tp"));
    assert!(
        p.run(&["cat", "/etc/resolv.conf"])
            .0
            .contains("search demo.svc.cluster.local")
    );
    assert_eq!(p.run(&["test", "-d", "/tmp"]).2, 0);
    assert_eq!(p.run(&["test", "-d", "/tmp/f"]).2, 1);
    let ls = p.run(&["ls", "/"]).0;
    assert!(ls.contains("shared\n") && ls.contains("etc\n"), "{ls}");
}

#[test]
fn text_filters_work_in_pipelines() {
    let p = pod();
    p.sh("echo c > /tmp/l; echo a >> /tmp/l; echo b >> /tmp/l; echo a >> /tmp/l");
    assert_eq!(p.sh("sort /tmp/l | uniq").0, "a\nb\nc\n");
    assert_eq!(p.sh("sort -r /tmp/l | head -n 2").0, "c\nb\n");
    assert_eq!(p.sh("cat /tmp/l | tail -1").0, "a\n");
    assert_eq!(p.sh("wc -l < /tmp/l").0, "4\n");
    assert_eq!(p.sh("grep -c a /tmp/l").0, "2\n");
    assert_eq!(p.sh("env | grep -q GREETING && echo found").0, "found\n");
    assert_eq!(p.sh("grep zzz /tmp/l").2, 1);
}

#[test]
fn an_empty_dir_is_shared_between_containers_and_roots_are_not() {
    let p = pod();
    assert_eq!(
        p.sh("echo from-a > /shared/note && echo private > /tmp/own")
            .2,
        0
    );
    assert_eq!(p.run_in("b", &["cat", "/data/note"], None).0, "from-a\n");
    assert_eq!(p.run_in("b", &["cat", "/tmp/own"], None).2, 1);
}

#[test]
fn a_shell_reads_commands_from_stdin_until_exit() {
    let p = pod();
    let (out, _, code) = p.run_in("a", &["sh"], Some(&["echo one\nex", "it 4\necho never\n"]));
    assert_eq!((out.as_str(), code), ("one\n", 4));
    let (out, _, code) = p.run_in("a", &["sh"], Some(&["echo last"]));
    assert_eq!((out.as_str(), code), ("last\n", 0));
    let (out, _, _) = p.run_in("a", &["cat"], Some(&["a\nb", "\n"]));
    assert_eq!(out, "a\nb\n");
}

#[test]
fn tar_round_trips_files_for_kubectl_cp() {
    let p = pod();
    p.sh("mkdir -p /tmp/dir/sub && echo x > /tmp/dir/sub/f && echo y > /tmp/dir/g");
    let ctx = ctx("a");
    let files = p.files.open(p.key.clone(), &ctx, |_| true).unwrap();
    let mut io = Recorded::default();
    let argv: Vec<String> = ["tar", "cf", "-", "/tmp/dir"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(exec(&ctx, files.clone(), &argv, false, &mut io), 0);
    let names: Vec<String> = tar::Archive::new(io.stdout.as_slice())
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["tmp/dir", "tmp/dir/g", "tmp/dir/sub", "tmp/dir/sub/f"]
    );
    let mut unpack = Recorded {
        stdin: VecDeque::from([io.stdout]),
        ..Default::default()
    };
    let argv: Vec<String> = ["tar", "-xmf", "-", "-C", "/srv"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    p.sh("mkdir /srv");
    assert_eq!(
        exec(&ctx, files, &argv, true, &mut unpack),
        0,
        "{}",
        String::from_utf8_lossy(&unpack.stderr)
    );
    assert_eq!(p.run(&["cat", "/srv/tmp/dir/sub/f"]).0, "x\n");
}

#[test]
fn nslookup_resolves_services_and_sleep_uses_the_session_clock() {
    let p = pod();
    let (out, _, code) = p.run(&["nslookup", "myservice"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Address 1: 10.96.0.20 myservice.demo.svc.cluster.local"),
        "{out}"
    );
    let (_, err, code) = p.run(&["nslookup", "nothing"]);
    assert_eq!(
        (err.as_str(), code),
        ("nslookup: can't resolve 'nothing'\n", 1)
    );
    let ctx = ctx("a");
    let files = p.files.open(p.key.clone(), &ctx, |_| true).unwrap();
    let mut io = Recorded::default();
    let argv: Vec<String> = ["sh", "-c", "sleep 2; sleep 1m"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    exec(&ctx, files, &argv, false, &mut io);
    assert_eq!(io.slept, [2.0, 60.0]);
}

#[test]
fn files_go_with_their_pod_and_are_bounded() {
    let p = pod();
    p.sh("echo kept > /tmp/k");
    let other = PodKey {
        uid: "u2".into(),
        ..p.key.clone()
    };
    p.files.open(other, &ctx("a"), |k| k.uid != "u1").unwrap();
    assert_eq!(p.files.len(), 1);
    // A new pod instance does not see the old one's files.
    let (_, _, code) = p.run(&["cat", "/tmp/k"]);
    assert_eq!(code, 1);
    let big = Arc::new(Mutex::new(PodFiles::new(Limits {
        file_bytes: 4,
        pod_bytes: 100,
        entries: 100,
    })));
    let c = ctx("a");
    big.lock()
        .unwrap()
        .add_container("a", &c.mounts, &["/tmp"], &[])
        .unwrap();
    let mut io = Recorded::default();
    let argv: Vec<String> = ["sh", "-c", "echo 12345 > /tmp/x"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(exec(&c, big, &argv, false, &mut io), 1);
    assert!(String::from_utf8_lossy(&io.stderr).contains("No space left on device"));
}
