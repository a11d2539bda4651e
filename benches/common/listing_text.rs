//! The text of seeded listing i, shared by `benches/listings.rs` and
//! `examples/seed_listings.rs` (the web UI's bench), so both measure the
//! same database.

/// Listing i's content: product text of ~1 KB, some Chinese, a CAS number
/// in one listing of 50, a rare word in one of 10,000.
pub fn content(i: i64) -> (String, String) {
    let products = [
        "Sodium chloride",
        "Citric acid",
        "Piperidine",
        "苯乙酸",
        "4-Piperidone HCl",
        "Office chair",
    ];
    let title = format!("{} lot {i} 99% purity", products[(i % 6) as usize]);
    let mut body = format!("{title}. ");
    if i % 50 == 0 {
        body.push_str("CAS 39742-60-4 N-Phenethyl-4-piperidone, safe delivery to Mexico. ");
    }
    if i % 10_000 == 7 {
        body.push_str("zygomorphic quinquennial batch. ");
    }
    for k in 0..14 {
        body.push_str(&format!(
            "Spec line {k}: assay ≥99.{}%, moisture ≤0.{k}%, 25 kg drum, 纯度高 {i}. ",
            i % 10
        ));
    }
    (title, body)
}
