//! Due-instant computation over 1,000,000 random (start, amount, unit) triples.
//! Goal (issue 2): ≥ 2,000,000 per second on one core. Results: docs/BENCHMARKS.md.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hotline_domain::sla::{SlaAmount, SlaCalendar, SlaSettings};

const N: usize = 1_000_000;

/// A small deterministic generator (SplitMix64) so every run computes the same triples.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn triples() -> Vec<(i64, SlaAmount)> {
    let mut rng = SplitMix(2026);
    // Starts from 2004-01-01 to 2026-06-30 (China time), so every due stays inside the data.
    let (from, to) = (1_072_886_400u64, 1_782_748_800u64);
    (0..N)
        .map(|_| {
            let start = (from + rng.below(to - from)) as i64;
            let amount = match rng.below(4) {
                0 => SlaAmount::Minutes(1 + rng.below(24 * 60) as u32),
                1 => SlaAmount::WorkingMinutes(1 + rng.below(40 * 60) as u32),
                2 => SlaAmount::WorkingDays(1 + rng.below(30) as u32),
                _ => SlaAmount::Days(1 + rng.below(10) as u32),
            };
            (start, amount)
        })
        .collect()
}

fn due_instants(c: &mut Criterion) {
    let cal = SlaCalendar::new(hotline_domain::calendar::shipped(), SlaSettings::default());
    let input = triples();
    let mut group = c.benchmark_group("due_instant");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("1M random triples", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for &(start, amount) in &input {
                acc ^= cal.due_secs(black_box(start), black_box(amount)).unwrap();
            }
            acc
        })
    });
    group.finish();
}

criterion_group!(benches, due_instants);
criterion_main!(benches);
