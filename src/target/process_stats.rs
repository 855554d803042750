//! Figures about the whole process for `/metrics`, read from the kernel (Linux): CPU time from
//! `getrusage(RUSAGE_SELF)`, resident memory from `/proc/self/statm`, and the start time from
//! `/proc/self/stat` and `/proc/stat`, as Prometheus' Go client does. A figure that cannot be read
//! is `None` and left out of `/metrics` rather than reported as zero.

use std::time::{SystemTime, UNIX_EPOCH};

/// User plus system CPU seconds used by this process so far.
pub fn cpu_seconds() -> Option<f64> {
    // SAFETY: `rusage` is plain old data, so all-zero is a valid value, and getrusage only writes
    // into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid, exclusive pointer to a rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if rc != 0 {
        return None;
    }
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    Some(secs(usage.ru_utime) + secs(usage.ru_stime))
}

/// Resident set size in bytes.
pub fn resident_memory_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages.saturating_mul(sysconf(libc::_SC_PAGESIZE)?))
}

/// When the process started, in seconds since the Unix epoch; `fallback` when /proc is missing.
pub fn process_start_time_seconds(fallback: SystemTime) -> f64 {
    proc_start_time().unwrap_or_else(|| {
        fallback
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    })
}

fn proc_start_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let start_ticks = start_ticks_from_stat(&stat)?;
    let boot = std::fs::read_to_string("/proc/stat").ok()?;
    let btime = boot_time_from_proc_stat(&boot)?;
    let ticks_per_second = sysconf(libc::_SC_CLK_TCK)?;
    Some(btime as f64 + start_ticks as f64 / ticks_per_second as f64)
}

/// Field 22 of `/proc/self/stat` (`starttime`, clock ticks after boot). The command name (field
/// 2) is in parentheses and may contain spaces, so counting starts after the last `)`.
fn start_ticks_from_stat(stat: &str) -> Option<u64> {
    let after_comm = &stat[stat.rfind(')')? + 1..];
    // after_comm starts at field 3; field 22 is the 20th from there.
    after_comm.split_whitespace().nth(19)?.parse().ok()
}

fn boot_time_from_proc_stat(proc_stat: &str) -> Option<u64> {
    proc_stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()
}

fn sysconf(name: libc::c_int) -> Option<u64> {
    // SAFETY: sysconf has no memory-safety preconditions.
    let value = unsafe { libc::sysconf(name) };
    u64::try_from(value).ok().filter(|&v| v > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_start_ticks_after_a_command_with_spaces_and_parens() {
        let stat =
            "1234 (my (odd) cmd) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20 21";
        assert_eq!(start_ticks_from_stat(stat), Some(987654));
        assert_eq!(start_ticks_from_stat("garbage"), None);
    }

    #[test]
    fn parses_boot_time() {
        let text = "cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n";
        assert_eq!(boot_time_from_proc_stat(text), Some(1_700_000_000));
        assert_eq!(boot_time_from_proc_stat("cpu 1\n"), None);
    }

    #[test]
    fn live_figures_are_plausible() {
        let cpu = cpu_seconds().expect("getrusage works on Linux");
        assert!(cpu >= 0.0);
        let rss = resident_memory_bytes().expect("/proc/self/statm is readable");
        assert!(rss > 1024 * 1024, "rss {rss}");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let start = process_start_time_seconds(SystemTime::now());
        assert!(
            start <= now + 1.0 && start > now - 86_400.0,
            "start {start} now {now}"
        );
    }
}
