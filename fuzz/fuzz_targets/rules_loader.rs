//! Any bytes as a rule pack: the loader must answer Ok or Err, never panic;
//! a pack that loads must scan a text and run its own examples.

#![no_main]

use libfuzzer_sys::fuzz_target;
use precwatch::rules::RuleSet;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    if let Ok(rs) = RuleSet::from_sources(&[("fuzz.toml".to_string(), text)]) {
        let _ = rs.scan("NPP powder, N-phenethyl-4-piperidone CAS 39742-60-4, ship safely to mexico");
        let _ = rs.test_examples();
    }
});
