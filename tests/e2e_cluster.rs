//! `docs/cluster.md`, run as written: its Kubernetes manifests and Slurm scripts are taken from
//! the document (the fenced blocks tagged `k8s-extract`, `k8s-merge`, `slurm-extract`, …), each
//! shard's command is run with the variables its scheduler would set (`JOB_COMPLETION_INDEX`;
//! `SLURM_ARRAY_TASK_ID`, `_MIN`, `_COUNT`, `SLURM_CPUS_PER_TASK` from the `#SBATCH` lines) over
//! `fixtures/samples` standing in for the shared folder, then the merge, and the merged files
//! must be byte for byte those of one `nianbao extract` over the same folder.

mod support;

use std::path::Path;
use std::process::Command;

/// Variables a scheduler or the test's own environment could set; each run starts without them.
const SCHEDULER_VARS: [&str; 6] = [
    "JOB_COMPLETION_INDEX",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_CPUS_PER_TASK",
];

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cluster.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The body of the fenced block whose info string is `{language} {tag}`.
fn block(doc: &str, tag: &str) -> String {
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let info = line.strip_prefix("```").unwrap_or("");
        if info.split_whitespace().nth(1) == Some(tag) {
            let body: Vec<&str> = lines.take_while(|l| !l.starts_with("```")).collect();
            return body.join("\n") + "\n";
        }
    }
    panic!("docs/cluster.md has no block tagged {tag}")
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The container's shell script: the literal block (`- |`) under `args:`, dedented.
fn k8s_script(manifest: &str) -> String {
    let lines: Vec<&str> = manifest.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == "- |")
        .expect("args: - | in the manifest");
    let body: Vec<&str> = lines[at + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > indent(lines[at]))
        .copied()
        .collect();
    let strip = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .expect("a script");
    body.iter()
        .map(|l| l.get(strip..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The container's `env:` entries (`- name: X` followed by `value: Y`).
fn k8s_env(manifest: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = manifest.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter_map(|w| {
            let name = w[0].strip_prefix("- name: ")?;
            let value = w[1].strip_prefix("value: ")?;
            Some((name.to_string(), value.trim_matches('"').to_string()))
        })
        .collect()
}

/// A top-level field of the Job's spec, e.g. `completions: 4`.
fn k8s_field(manifest: &str, name: &str) -> Option<String> {
    manifest.lines().find_map(|l| {
        l.trim()
            .strip_prefix(&format!("{name}: "))
            .map(|v| v.trim().to_string())
    })
}

/// The value of `#SBATCH --{name}=VALUE`.
fn sbatch(script: &str, name: &str) -> Option<String> {
    script.lines().find_map(|l| {
        l.strip_prefix(&format!("#SBATCH --{name}="))
            .map(|v| v.trim().to_string())
    })
}

/// Runs a script the way the scheduler would: `shell -c script` (Kubernetes' `command`) or
/// `shell FILE` (an sbatch script), with `nianbao` on the PATH and only the given variables
/// of the scheduler set.
fn run(shell: &str, script: &str, env: &[(String, String)], dir: &Path) {
    let bin = Path::new(env!("CARGO_BIN_EXE_nianbao"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let mut cmd = Command::new(shell);
    if shell == "bash" {
        let file = dir.join("job.sh");
        std::fs::write(&file, script).expect("write the script");
        cmd.arg(file);
    } else {
        cmd.arg("-c").arg(script);
    }
    for var in SCHEDULER_VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .current_dir(dir)
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("run the shell");
    assert!(
        out.status.success(),
        "{shell} script failed ({}) with {env:?}:\n{script}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn samples() -> String {
    let dir = support::fixtures_dir().join("samples");
    dir.to_str().expect("utf-8 path").to_string()
}

/// One `nianbao extract` of the whole folder, the run the cluster must reproduce.
fn single_run(out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("extract")
        .arg(samples())
        .arg("--out")
        .arg(out)
        .status()
        .expect("run nianbao");
    assert!(status.success(), "the samples are all readable");
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn assert_same_output(whole: &Path, merged: &Path) {
    for f in support::OUTPUT_CSVS {
        let (a, b) = (
            std::fs::read(whole.join(f)).expect("csv of the single run"),
            std::fs::read(merged.join(f)).unwrap_or_else(|e| panic!("merged {f}: {e}")),
        );
        assert!(a == b, "{f} of the cluster run differs from the single run");
    }
    let images = names(&whole.join("images"));
    assert!(!images.is_empty(), "the samples have pictures");
    assert_eq!(names(&merged.join("images")), images);
}

/// (first index, number of tasks) of `#SBATCH --array=A-B`.
fn array(script: &str) -> (u64, u64) {
    let spec = sbatch(script, "array").expect("#SBATCH --array=");
    let (a, b) = spec.split_once('-').expect("--array=A-B");
    let (a, b): (u64, u64) = (a.parse().expect("A"), b.parse().expect("B"));
    (a, b - a + 1)
}

fn slurm_tasks(script: &str, dir: &Path, reports: &str, out: &Path) -> u64 {
    let (min, count) = array(script);
    assert!(count > 1, "more than one shard");
    let cpus = sbatch(script, "cpus-per-task").unwrap_or_else(|| "1".into());
    for id in min..min + count {
        let env = [
            ("SLURM_ARRAY_TASK_ID", id.to_string()),
            ("SLURM_ARRAY_TASK_MIN", min.to_string()),
            ("SLURM_ARRAY_TASK_MAX", (min + count - 1).to_string()),
            ("SLURM_ARRAY_TASK_COUNT", count.to_string()),
            ("SLURM_CPUS_PER_TASK", cpus.clone()),
            ("REPORTS", reports.to_string()),
            ("OUT", out.to_str().expect("utf-8").to_string()),
        ]
        .map(|(k, v)| (k.to_string(), v));
        run("bash", script, &env, dir);
    }
    count
}

/// One test, so the single run (the slow part: the samples' pictures are read by OCR) is done
/// once for the three examples.
#[test]
fn the_cluster_examples_merged_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    single_run(&whole);
    let doc = doc();
    kubernetes_indexed_job_then_merge(&doc, &tmp.path().join("k8s"), &whole);
    slurm_array_then_merge(&doc, &tmp.path().join("slurm"), &whole);
    slurm_array_with_databases_then_merge(&doc, &tmp.path().join("slurm-db"), &whole);
}

fn kubernetes_indexed_job_then_merge(doc: &str, dir: &Path, whole: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let extract = block(doc, "k8s-extract");
    assert_eq!(
        k8s_field(&extract, "completionMode").as_deref(),
        Some("Indexed")
    );
    let completions: u64 = k8s_field(&extract, "completions")
        .expect("completions")
        .parse()
        .expect("a number");
    let out = dir.join("data/out");
    // The volume mounted at /data: the samples as the reports, a temporary folder as the outputs.
    let env_for = |manifest: &str| -> Vec<(String, String)> {
        k8s_env(manifest)
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "REPORTS" => (k, samples()),
                "OUT" => (k, out.to_str().expect("utf-8").to_string()),
                _ => (k, v),
            })
            .collect()
    };
    let env = env_for(&extract);
    assert!(
        env.iter()
            .any(|(k, v)| k == "SHARDS" && *v == completions.to_string()),
        "SHARDS must equal completions: {env:?}"
    );
    let script = k8s_script(&extract);
    for index in 0..completions {
        let mut env = env.clone();
        env.push(("JOB_COMPLETION_INDEX".into(), index.to_string()));
        run("/bin/sh", &script, &env, dir);
    }
    assert_eq!(
        names(&out).len() as u64,
        completions,
        "one folder per index"
    );
    let merge = block(doc, "k8s-merge");
    run("/bin/sh", &k8s_script(&merge), &env_for(&merge), dir);
    assert_same_output(whole, &out.join("all"));
}

fn slurm_array_then_merge(doc: &str, dir: &Path, whole: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join("shared/out");
    let count = slurm_tasks(&block(doc, "slurm-extract"), dir, &samples(), &out);
    assert_eq!(names(&out).len() as u64, count, "one folder per task");
    let env = [("OUT".to_string(), out.to_str().expect("utf-8").to_string())];
    run("bash", &block(doc, "slurm-merge"), &env, dir);
    assert_same_output(whole, &out.join("all"));
}

/// The `--db` variant: one database per task (an array counted from 1), merged into one
/// database, exported as CSV.
fn slurm_array_with_databases_then_merge(doc: &str, dir: &Path, whole: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join("shared/out");
    let script = block(doc, "slurm-extract-db");
    assert_eq!(array(&script).0, 1, "the example counts from 1");
    let count = slurm_tasks(&script, dir, &samples(), &out);
    let dbs: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| n.ends_with(".sqlite"))
        .collect();
    assert_eq!(dbs.len() as u64, count, "one database per task: {dbs:?}");
    let env = [("OUT".to_string(), out.to_str().expect("utf-8").to_string())];
    run("bash", &block(doc, "slurm-merge-db"), &env, dir);
    assert_same_output(whole, &out.join("all"));
}
