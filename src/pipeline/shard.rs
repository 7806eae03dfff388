//! Sharding a run over machines: a stable hash of each path picks its shard, from `--shard K/N` or
//! a scheduler's array index.

use std::path::Path;

/// A deterministic slice of the inputs: `index` of `count` (0-based), chosen by a hash of the
/// path as given, so every machine of a cluster computes the same split without talking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with K counted from 1, as people number shards.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard {text}: expected K/N, e.g. 2/8"))?;
        let (k, n): (u64, u64) = (
            k.trim()
                .parse()
                .map_err(|_| format!("--shard {text}: K is not a number"))?,
            n.trim()
                .parse()
                .map_err(|_| format!("--shard {text}: N is not a number"))?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(format!("--shard {text}: K must be between 1 and N"));
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// The slice from a scheduler's variables: `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job,
    /// 0-based) or `SLURM_ARRAY_TASK_ID` (minus `SLURM_ARRAY_TASK_MIN`, so arrays may start at 1).
    pub fn from_env(count: u64, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let num = |name: &str| env(name).and_then(|v| v.trim().parse::<u64>().ok());
        let index = if let Some(i) = num("JOB_COMPLETION_INDEX") {
            i
        } else if let Some(i) = num("SLURM_ARRAY_TASK_ID") {
            i.checked_sub(num("SLURM_ARRAY_TASK_MIN").unwrap_or(0))
                .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?
        } else {
            return Err(
                "--shard without K/N needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID".into(),
            );
        };
        if count == 0 || index >= count {
            return Err(format!(
                "shard index {index} is not below the shard count {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    pub fn contains(&self, path: &Path) -> bool {
        // FNV-1a: stable across platforms and releases, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.to_string_lossy().as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn shards_partition_the_inputs() {
        let paths: Vec<PathBuf> = (0..100)
            .map(|i| PathBuf::from(format!("r/{i}.docx")))
            .collect();
        let shards: Vec<Shard> = (1..=3)
            .map(|k| Shard::parse(&format!("{k}/3")).unwrap())
            .collect();
        for p in &paths {
            assert_eq!(shards.iter().filter(|s| s.contains(p)).count(), 1);
        }
        assert!(shards.iter().all(|s| paths.iter().any(|p| s.contains(p))));
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
    }

    #[test]
    fn shard_index_comes_from_the_scheduler() {
        let k8s = |n: &str| (n == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        assert_eq!(Shard::from_env(4, &k8s), Ok(Shard { index: 2, count: 4 }));
        let slurm = |n: &str| match n {
            "SLURM_ARRAY_TASK_ID" => Some("4".to_string()),
            "SLURM_ARRAY_TASK_MIN" => Some("1".to_string()),
            _ => None,
        };
        assert_eq!(Shard::from_env(4, &slurm), Ok(Shard { index: 3, count: 4 }));
        assert!(Shard::from_env(4, &|_| None).is_err());
    }
}
