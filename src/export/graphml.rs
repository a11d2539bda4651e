//! The seller graph as GraphML, for Gephi, Maltego and yEd: who sells what,
//! under which identifiers, linked into which clusters.
//!
//! Nodes are the exported listings (`l<id>`), the seller identifiers their
//! current versions show (`i<n>`), and the seller clusters they belong to
//! (`c<cluster id>`); edges go listing → identifier (`shows`) and listing →
//! cluster (`member_of`). Every attribute is declared by a `<key>` with its
//! type, so tools import scores as numbers.
//!
//! Invariant: crawled text is XML-escaped, and characters XML 1.0 forbids
//! (most C0 controls, U+FFFE, U+FFFF) are dropped, so the file always parses.

use super::ExportError;
use crate::store::{Cluster, ExportListing, Seller, Store};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;

/// The attribute keys: (id, for, attr.name, attr.type).
const KEYS: &[(&str, &str, &str, &str)] = &[
    ("type", "node", "type", "string"),
    ("label", "node", "label", "string"),
    ("listing_id", "node", "listing_id", "long"),
    ("url", "node", "url", "string"),
    ("title", "node", "title", "string"),
    ("site", "node", "site", "string"),
    ("risk", "node", "risk", "string"),
    ("score", "node", "score", "double"),
    ("review_status", "node", "review_status", "string"),
    ("kind", "node", "kind", "string"),
    ("value", "node", "value", "string"),
    ("cluster_id", "node", "cluster_id", "long"),
    ("cluster_listings", "node", "cluster_listings", "int"),
    ("cluster_sites", "node", "cluster_sites", "string"),
    ("relation", "edge", "relation", "string"),
];

/// Writes the graph of `listings`, their identifiers and clusters.
pub fn write(store: &Store, listings: &[ExportListing], out: &mut dyn Write) -> Result<(), ExportError> {
    let clusters: HashMap<i64, Cluster> = if listings.iter().any(|l| l.cluster.is_some()) {
        store.seller_clusters()?.into_iter().map(|c| (c.id, c)).collect()
    } else {
        HashMap::new()
    };
    out.write_all(document(listings, &clusters).as_bytes())?;
    Ok(())
}

/// The whole GraphML document.
fn document(listings: &[ExportListing], clusters: &HashMap<i64, Cluster>) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, target, name, ty) in KEYS {
        let _ = writeln!(
            s,
            "  <key id=\"{id}\" for=\"{target}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    s.push_str("  <graph id=\"sellers\" edgedefault=\"directed\">\n");
    let mut identifiers: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut cluster_ids: Vec<i64> = Vec::new();
    let mut edges = String::new();
    for l in listings {
        listing_node(&mut s, l);
        for seller in &l.sellers {
            let next = identifiers.len();
            let n = *identifiers.entry((&seller.kind, &seller.value)).or_insert(next);
            edge(&mut edges, &format!("l{}", l.id), &format!("i{n}"), "shows");
        }
        if let Some(c) = l.cluster {
            if !cluster_ids.contains(&c) {
                cluster_ids.push(c);
            }
            edge(&mut edges, &format!("l{}", l.id), &format!("c{c}"), "member_of");
        }
    }
    let mut by_index: Vec<(usize, Seller)> = identifiers
        .into_iter()
        .map(|((kind, value), n)| {
            (
                n,
                Seller {
                    kind: kind.into(),
                    value: value.into(),
                },
            )
        })
        .collect();
    by_index.sort_by_key(|(n, _)| *n);
    for (n, seller) in &by_index {
        identifier_node(&mut s, *n, seller);
    }
    for c in cluster_ids {
        cluster_node(&mut s, c, clusters.get(&c));
    }
    s.push_str(&edges);
    s.push_str("  </graph>\n</graphml>\n");
    s
}

fn listing_node(s: &mut String, l: &ExportListing) {
    let _ = writeln!(s, "    <node id=\"l{}\">", l.id);
    data(s, "type", "listing");
    data(s, "label", &l.title);
    data(s, "listing_id", &l.id.to_string());
    data(s, "url", &l.url);
    data(s, "title", &l.title);
    data(s, "site", &l.site);
    data(s, "risk", l.risk.as_str());
    data(s, "score", &l.score.to_string());
    data(s, "review_status", l.review_state.as_str());
    if let Some(c) = l.cluster {
        data(s, "cluster_id", &c.to_string());
    }
    s.push_str("    </node>\n");
}

fn identifier_node(s: &mut String, n: usize, seller: &Seller) {
    let _ = writeln!(s, "    <node id=\"i{n}\">");
    data(s, "type", "identifier");
    data(s, "label", &format!("{}: {}", seller.kind, seller.value));
    data(s, "kind", &seller.kind);
    data(s, "value", &seller.value);
    s.push_str("    </node>\n");
}

fn cluster_node(s: &mut String, id: i64, cluster: Option<&Cluster>) {
    let _ = writeln!(s, "    <node id=\"c{id}\">");
    data(s, "type", "cluster");
    data(s, "label", &format!("cluster {id}"));
    data(s, "cluster_id", &id.to_string());
    if let Some(c) = cluster {
        data(s, "risk", c.risk.as_str());
        data(s, "cluster_listings", &c.listings.len().to_string());
        data(s, "cluster_sites", &c.sites.join(", "));
    }
    s.push_str("    </node>\n");
}

fn edge(s: &mut String, source: &str, target: &str, relation: &str) {
    let _ = writeln!(s, "    <edge source=\"{source}\" target=\"{target}\">");
    data(s, "relation", relation);
    s.push_str("    </edge>\n");
}

fn data(s: &mut String, key: &str, value: &str) {
    let _ = writeln!(s, "      <data key=\"{key}\">{}</data>", xml_text(value));
}

/// `v` escaped for XML 1.0 text or a quoted attribute: markup characters
/// as entities, CR kept as `&#13;` (a parser would turn it into LF), and
/// characters XML 1.0 does not allow dropped.
pub(crate) fn xml_text(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_escapes_markup_and_drops_illegal_characters() {
        assert_eq!(xml_text("a]]>b"), "a]]&gt;b");
        assert_eq!(
            xml_text("<x & 'y' \"z\">"),
            "&lt;x &amp; &apos;y&apos; &quot;z&quot;&gt;"
        );
        assert_eq!(xml_text("a\u{1}b\u{0}c\u{1b}d\u{FFFF}"), "abcd");
        assert_eq!(xml_text("tab\tnew\nline\r"), "tab\tnew\nline&#13;");
        assert_eq!(xml_text("苯乙基 \u{85}"), "苯乙基 \u{85}");
    }

    #[test]
    fn hostile_strings_stay_inside_their_data_elements() {
        let mut s = String::new();
        data(&mut s, "title", "]]></data></node><node id=\"x\">&\u{1}<");
        assert_eq!(
            s,
            "      <data key=\"title\">]]&gt;&lt;/data&gt;&lt;/node&gt;&lt;node id=&quot;x&quot;&gt;&amp;&lt;</data>\n"
        );
    }

    #[test]
    fn shared_identifiers_are_one_node_and_clusters_get_edges() {
        let json = |id: i64, sellers: &[(&str, &str)], cluster: Option<i64>| ExportListing {
            id,
            version_id: id,
            page_id: id,
            url: format!("http://a.example/{id}"),
            site: "a".into(),
            title: format!("t{id} <\u{1}>"),
            risk: crate::matcher::Risk::High,
            score: 1.5,
            hits: vec![],
            content: String::new(),
            named: Default::default(),
            first_seen: String::new(),
            last_seen: String::new(),
            state: "new".into(),
            review_state: crate::store::ReviewStatus::New,
            versions: 1,
            sellers: sellers
                .iter()
                .map(|(k, v)| Seller {
                    kind: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
            fields: serde_json::Value::Null,
            parts: serde_json::json!([]),
            chrome: serde_json::json!([]),
            evidence: crate::store::Evidence {
                sha256: None,
                text_sha256: String::new(),
                fetched_at: String::new(),
                fetched_url: String::new(),
                status: 200,
                charset: None,
                run_id: 1,
                rules_sha256: String::new(),
                content_sha256: None,
            },
            cluster,
        };
        let listings = [
            json(1, &[("telegram", "@a"), ("phone", "+1")], Some(1)),
            json(2, &[("telegram", "@a")], Some(1)),
            json(3, &[], None),
        ];
        let doc = document(&listings, &HashMap::new());
        assert_eq!(doc.matches("<node ").count(), 3 + 2 + 1, "{doc}");
        assert_eq!(doc.matches("<edge ").count(), 3 + 2, "{doc}");
        assert!(doc.contains("<data key=\"label\">t1 &lt;&gt;</data>"), "{doc}");
        assert!(!doc.contains('\u{1}'));
    }
}
