//! Valid and near-miss examples for every kind, through [`identifiers`].

use super::*;

/// (kind, value) of every identifier in `text`; checks the offsets on the way.
fn found(text: &str, country: Option<&str>) -> Vec<(&'static str, String)> {
    let (ids, dropped) = identifiers(text, &Context { country }, 1000);
    assert_eq!(dropped, 0);
    for i in &ids {
        assert!(i.start < i.end && i.end <= text.len(), "{i:?}");
        assert!(text.is_char_boundary(i.start) && text.is_char_boundary(i.end), "{i:?}");
    }
    ids.into_iter().map(|i| (i.kind.as_str(), i.value)).collect()
}

fn kinds_of<'a>(ids: &'a [(&'static str, String)], kind: &str) -> Vec<&'a str> {
    ids.iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn phones(text: &str, country: Option<&str>) -> Vec<String> {
    kinds_of(&found(text, country), "phone")
        .into_iter()
        .map(String::from)
        .collect()
}

/// The precondition of a near-miss test: the digits alone are a valid number
/// of `region`, so only the rule under test keeps them out.
fn valid_in(region: &str, digits: &str) -> bool {
    phonenumber::parse(Some(region.parse().unwrap()), digits).is_ok_and(|p| p.is_valid())
}

#[test]
fn international_numbers_count_anywhere() {
    for (text, want) in [
        ("call +86 138 1234 5678 now", "+8613812345678"),
        ("+86-138-1234-5678", "+8613812345678"),
        ("0086 138 1234 5678", "+8613812345678"),
        ("(+86)13812345678", "+8613812345678"),
        ("＋８６ １３８ １２３４ ５６７８", "+8613812345678"),
        ("+1 (650) 253-0000", "+16502530000"),
        ("+44 (0)20 7031 3000", "+442070313000"),
        ("+52 55 1234 5678", "+525512345678"),
        ("联系+8613812345678谢谢", "+8613812345678"),
    ] {
        assert_eq!(phones(text, None), vec![want.to_string()], "{text}");
    }
}

#[test]
fn national_numbers_count_after_a_keyword_in_the_site_country() {
    for (text, country, want) in [
        ("电话：13812345678", "CN", "+8613812345678"),
        ("手机 138-1234-5678", "CN", "+8613812345678"),
        ("Tel: 021-12345678", "CN", "+862112345678"),
        ("Teléfono: 612 345 678", "ES", "+34612345678"),
        ("TELÉFONO 612345678", "ES", "+34612345678"),
        ("Cel. 55 1234 5678", "MX", "+525512345678"),
        ("Mobile/WhatsApp No.: (650) 253-0000", "US", "+16502530000"),
        ("Tel13812345678", "cn", "+8613812345678"),
    ] {
        assert_eq!(phones(text, Some(country)), vec![want.to_string()], "{text}");
    }
    // The same numbers without a keyword, or without a country, do not count.
    assert!(phones("13812345678", Some("CN")).is_empty());
    assert!(phones("see 13812345678 below", Some("CN")).is_empty());
    assert!(phones("电话：13812345678", None).is_empty());
    assert!(phones("电话：13812345678", Some("XX")).is_empty(), "unknown country");
    assert!(
        phones("Tel: see our price list 13812345678", Some("CN")).is_empty(),
        "keyword too far"
    );
}

#[test]
fn lists_after_one_keyword() {
    assert_eq!(
        phones("电话：13812345678、13912345678 / 021-12345678", Some("CN")),
        vec!["+8613812345678", "+8613912345678", "+862112345678"]
    );
    // The second number continues the first one's country, not the site's.
    assert_eq!(
        phones("Tel: +86 138 1234 5678, 139 1234 5678", Some("MX")),
        vec!["+8613812345678", "+8613912345678"]
    );
}

#[test]
fn messenger_numbers_are_also_phones() {
    let ids = found("WhatsApp: +86 138 1234 5678", None);
    assert_eq!(
        ids,
        vec![
            ("phone", "+8613812345678".into()),
            ("whatsapp", "+8613812345678".into())
        ]
    );
    let ids = found("WeChat/WhatsApp: 13912345678", Some("CN"));
    assert_eq!(kinds_of(&ids, "wechat"), vec!["+8613912345678"]);
    assert_eq!(kinds_of(&ids, "whatsapp"), vec!["+8613912345678"]);
    assert_eq!(kinds_of(&ids, "phone"), vec!["+8613912345678"]);
    let ids = found(
        "https://wa.me/8613812345678 and api.whatsapp.com/send?phone=16502530000",
        None,
    );
    assert_eq!(kinds_of(&ids, "whatsapp"), vec!["+8613812345678", "+16502530000"]);
    let ids = found("Signal: +1 650 253 0000", None);
    assert_eq!(kinds_of(&ids, "signal"), vec!["+16502530000"]);
    // A Telegram keyword makes a number a phone, not a Telegram account.
    let ids = found("Telegram: +86 138 1234 5678", None);
    assert_eq!(ids, vec![("phone", "+8613812345678".into())]);
}

#[test]
fn cas_numbers_are_not_phones() {
    // 5512345-67-9 is a valid CAS number (check digit 9); 5512345679 is a valid Mexican number.
    assert!(valid_in("MX", "5512345679"));
    assert_eq!(phones("Tel: 55 1234 5679", Some("MX")), vec!["+525512345679"]);
    assert!(phones("Tel: 5512345-67-9", Some("MX")).is_empty());
    assert!(phones("Tel: CAS 5512345-67-9", Some("MX")).is_empty());
    assert!(phones("CAS No. 39742-60-4, 79099-07-3; phone 39742604", Some("CN")).is_empty());
}

#[test]
fn dates_are_not_phones() {
    assert!(valid_in("DK", "20240512"));
    assert_eq!(phones("Tel: 20 24 05 12", Some("DK")), vec!["+4520240512"]);
    assert!(phones("Tel: 2024-05-12", Some("DK")).is_empty());
    assert!(phones("Tel: 2024.05.12", Some("DK")).is_empty());
    assert!(phones("Tel: 12.05.2024", Some("DK")).is_empty());
    assert!(phones("Updated 2024-05-12 10:30, tel", Some("DK")).is_empty());
}

#[test]
fn prices_and_amounts_are_not_phones() {
    assert!(phones("Tel: 5512345679.00", Some("MX")).is_empty(), "a decimal");
    assert!(
        phones("Tel: 5512 3456.79", Some("MX")).is_empty(),
        "a decimal with grouped thousands"
    );
    assert!(phones("Phone ¥5512345679", Some("MX")).is_empty(), "a currency sign");
    assert!(phones("Tel: USD 5512345679", Some("MX")).is_empty());
    assert_eq!(
        phones("Tel: 55 1234 5678, price: 55 1234 5679", Some("MX")),
        vec!["+525512345678"],
        "a label ends the list"
    );
    assert!(phones("1,380,000 pcs; 5,512,345,679", None).is_empty());
    assert!(phones("Tel: 5512345679%", Some("MX")).is_empty());
}

#[test]
fn part_and_order_numbers_are_not_phones() {
    for text in [
        "Tel/P/N: 5512345679",
        "Tel, Part No. 55-1234-5679",
        "Phone SKU5512345679",
        "Tel: AB-5512345679",
        "Tel: 5512345679-2",
        "Tel: 5512345679kg",
        "Tel: 5512345679_x",
        "Order No: 0052 55 1234 5679",
        "Order No. +52 55 1234 5679",
        "item #5512345679",
        "https://shop.example/p/5512345679.html tel",
        "Tel: ISO 9001 2015",
        "sku=5512345679&tel=1",
    ] {
        assert!(phones(text, Some("MX")).is_empty(), "{text}");
    }
}

#[test]
fn other_near_misses_are_not_phones() {
    for (text, country) in [
        ("WhatsApp +86 555-0166", None),    // fictional 555 numbers are not valid in China
        ("+86 138 1234 567", None),         // one digit short
        ("+86 138 1234 56789", None),       // one digit long
        ("+12345678901234567890", None),    // longer than E.164
        ("Tel: 6901234567892", Some("CN")), // an EAN-13 barcode
        ("Tel 08:00-18:00", Some("CN")),
        ("ISO 9001:2015, ISO 14001", Some("CN")),
        ("Tel: 13812345678@qq.com", Some("CN")), // the local part of an e-mail
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", None),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa +", None),
    ] {
        assert!(phones(text, country).is_empty(), "{text}");
    }
}

#[test]
fn crypto_addresses_in_text() {
    let text = "BTC: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa / BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4. \
                USDT(TRC20)：TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t, ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    assert_eq!(
        found(text, None),
        vec![
            ("btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa".into()),
            ("btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".into()),
            ("tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t".into()),
            ("eth", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed".into()),
        ]
    );
    // One character off, testnet, or part of a longer hex string.
    for t in [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "tx 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed5aaeb6053f3e94c9b9a09f33",
    ] {
        assert!(found(t, None).is_empty(), "{t}");
    }
}

#[test]
fn telegram_handles() {
    for (text, want) in [
        ("Telegram: @Chem_Sup", "chem_sup"),
        ("TG chem_sup", "chem_sup"),
        ("telegram id bluefinch", "bluefinch"),
        ("https://t.me/chem_sup", "chem_sup"),
        ("t.me/s/chem_sup", "chem_sup"),
        ("Telegram/WeChat: @chemsup1", "chemsup1"),
        ("电报：@chem_sup", "chem_sup"),
        ("Telegram: wechat888", "wechat888"),
    ] {
        assert_eq!(kinds_of(&found(text, None), "telegram"), vec![want], "{text}");
    }
    for text in [
        "@chem_sup",                 // no keyword
        "Telegram group for buyers", // prose
        "Telegram: @abcd",           // too short
        "Telegram: @1chem_sup",      // starts with a digit
        "Telegram: @chem_sup_",      // ends with _
        "t.me/joinchat/AAAAAEk",     // an invite, not a person
        "t.me/+AbCdEf123",
        "Telegram: chem@example.com", // an e-mail
        "our telegram, then more words and finally @chem_sup",
    ] {
        assert!(kinds_of(&found(text, None), "telegram").is_empty(), "{text}");
    }
}

#[test]
fn wechat_ids() {
    for (text, want) in [
        ("微信：chem888", "chem888"),
        ("WeChat ID abcdef", "abcdef"),
        ("VX: wxid_abc123def", "wxid_abc123def"),
        ("weixin: Chem-Supply", "chem-supply"),
    ] {
        assert_eq!(kinds_of(&found(text, None), "wechat"), vec![want], "{text}");
    }
    for text in [
        "wechat: ab12",
        "wechat pay accepted",
        "微信：8chem888",
        "wx: abcdefghijklmnopqrstu1",
    ] {
        assert!(kinds_of(&found(text, None), "wechat").is_empty(), "{text}");
    }
}

#[test]
fn wickr_signal_threema_skype_session() {
    let session = format!("05{}", "a1".repeat(32));
    let text = format!(
        "Wickr Me: BestChem; Signal: chem.42; Threema ID: ABCD1234; Skype: live:.cid.123abc; \
         skype chem.supply; Session: {session}"
    );
    let ids = found(&text, None);
    assert_eq!(kinds_of(&ids, "wickr"), vec!["bestchem"]);
    assert_eq!(kinds_of(&ids, "signal"), vec!["chem.42"]);
    assert_eq!(kinds_of(&ids, "threema"), vec!["abcd1234"]);
    assert_eq!(kinds_of(&ids, "skype"), vec!["live:.cid.123abc", "chem.supply"]);
    assert_eq!(kinds_of(&ids, "session"), vec![session.as_str()]);
    for text in [
        "Contact Wickr for price".to_string(),
        "wickr: abc".to_string(),
        "good signal strength".to_string(),
        "Signal: chem".to_string(),
        "Threema: abcd1234".to_string(),
        "Threema: ABCD12345".to_string(),
        "skype: abc".to_string(),
        format!("Session: 06{}", "a1".repeat(32)),
        format!("Session: {session}0"),
        format!("id {session}"),
    ] {
        let ids = found(&text, None);
        assert!(
            ids.iter()
                .all(|(k, _)| !["wickr", "signal", "threema", "skype", "session"].contains(k)),
            "{text}: {ids:?}"
        );
    }
}

#[test]
fn deduplicated_in_text_order_and_capped() {
    let text = "b@x.com Tel +86 138 1234 5678 a@x.com B@X.COM +86-138-1234-5678 c@x.com d@x.com";
    let (ids, dropped) = identifiers(text, &Context::default(), 10);
    let got: Vec<(&str, &str)> = ids.iter().map(|i| (i.kind.as_str(), i.value.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("email", "b@x.com"),
            ("phone", "+8613812345678"),
            ("email", "a@x.com"),
            ("email", "c@x.com"),
            ("email", "d@x.com")
        ]
    );
    assert_eq!(dropped, 0);
    assert_eq!(&text[ids[1].start..ids[1].end], "+86 138 1234 5678");
    let (ids, dropped) = identifiers(text, &Context::default(), 2);
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1].kind, Kind::Phone);
    assert_eq!(dropped, 3, "a, c and d; the repeats are not counted");
    let (ids, dropped) = identifiers(text, &Context::default(), 0);
    assert!(ids.is_empty());
    assert_eq!(dropped, 5);
}

#[test]
fn kinds_round_trip_their_names() {
    for k in Kind::ALL {
        assert_eq!(Kind::parse(k.as_str()), Some(k));
        assert_eq!(k.to_string(), k.as_str());
    }
    assert_eq!(Kind::parse("supplier_name"), None);
    assert!(known_country("CN") && known_country("mx"));
    assert!(!known_country("XX") && !known_country("CHN") && !known_country("C") && !known_country("中国"));
}
