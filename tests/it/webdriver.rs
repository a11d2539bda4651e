//! A tiny WebDriver client (W3C protocol over reqwest + serde_json) driving
//! real headless Chromium through chromedriver, for the web UI's browser tests.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the browser is: PRECWATCH_CHROMIUM, else Debian's chromium.
fn chromium() -> String {
    std::env::var("PRECWATCH_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Where its WebDriver is: PRECWATCH_CHROMEDRIVER, else Debian's chromium-driver.
fn chromedriver() -> String {
    std::env::var("PRECWATCH_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// The W3C element reference key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether the browser tests can run: true when the tools are there; when
/// they are not, a skip line on stderr, or a panic under PRECWATCH_REQUIRE_TOOLS=1.
pub fn available(test: &str) -> bool {
    let missing: Vec<String> = [chromium(), chromedriver()]
        .into_iter()
        .filter(|p| !std::path::Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("PRECWATCH_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!(
            "{test}: PRECWATCH_REQUIRE_TOOLS=1 but {} missing (apt install chromium chromium-driver)",
            missing.join(" and ")
        );
    }
    eprintln!(
        "SKIPPED {test}: {} not installed (apt install chromium chromium-driver)",
        missing.join(" and ")
    );
    false
}

/// A chromedriver process and one browser session; both end on drop.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

/// One element of the current page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver on a free port and opens a headless session.
    pub async fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not answer on {base}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser {
            driver,
            base,
            session: String::new(),
            http,
            _profile: profile,
        };
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1280,900",
                         format!("--user-data-dir={}", b._profile.path().display())]
            }
        }}});
        let v = b.call("POST", "/session", caps).await;
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        b
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self
                .http
                .post(&url)
                .header("content-type", "application/json")
                .body(body.to_string()),
        };
        let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let v: Value =
            serde_json::from_slice(&resp.bytes().await.expect("a WebDriver answer")).expect("WebDriver answers JSON");
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v["value"].clone()
    }

    /// Like `call`, but a WebDriver error is returned, not a panic.
    async fn try_call(&self, method: &str, path: &str, body: Value) -> Result<Value, Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = if method == "GET" {
            self.http.get(&url)
        } else {
            self.http
                .post(&url)
                .header("content-type", "application/json")
                .body(body.to_string())
        };
        let resp = req.send().await.expect("WebDriver reachable");
        let ok = resp.status().is_success();
        let v: Value =
            serde_json::from_slice(&resp.bytes().await.expect("a WebDriver answer")).expect("WebDriver answers JSON");
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(v["value"].clone())
        }
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url })).await;
    }

    /// The current page's address.
    pub async fn url(&self) -> String {
        self.call("GET", "/url", Value::Null)
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The first element matching `css`, waiting up to 5 s for it.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self
                .try_call("POST", "/element", json!({"using": "css selector", "value": css}))
                .await
            {
                Ok(v) => {
                    return Element(
                        v[ELEMENT]
                            .as_str()
                            .unwrap_or_else(|| panic!("an element: {v}"))
                            .to_string(),
                    )
                }
                Err(e) if Instant::now() > deadline => panic!("no element {css:?}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Every element matching `css` now.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self
            .call("POST", "/elements", json!({"using": "css selector", "value": css}))
            .await;
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| Element(e[ELEMENT].as_str().unwrap().to_string()))
            .collect()
    }

    /// Clicks an element.
    pub async fn click(&self, el: &Element) {
        self.call("POST", &format!("/element/{}/click", el.0), json!({})).await;
    }

    /// Types into an element.
    pub async fn send_keys(&self, el: &Element, text: &str) {
        self.call("POST", &format!("/element/{}/value", el.0), json!({ "text": text }))
            .await;
    }

    /// Presses each character of `keys` as the user would, on whatever has focus.
    pub async fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.call("POST", "/actions", body).await;
    }

    /// An element's rendered text.
    pub async fn text(&self, el: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", el.0), Value::Null)
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The text of the first element matching `css`.
    pub async fn text_of(&self, css: &str) -> String {
        let el = self.find(css).await;
        self.text(&el).await
    }

    /// Runs `script` (a function body) in the page and returns its result.
    pub async fn execute(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", json!({ "script": script, "args": [] }))
            .await
    }

    /// The text of an open alert, if one is open.
    pub async fn alert_text(&self) -> Option<String> {
        self.try_call("GET", "/alert/text", Value::Null)
            .await
            .ok()
            .map(|v| v.as_str().unwrap_or("").to_string())
    }

    /// Waits until the address satisfies `f` (navigation after a click or key).
    pub async fn wait_url(&self, f: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let u = self.url().await;
            if f(&u) {
                return u;
            }
            assert!(Instant::now() < deadline, "the page stayed at {u}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG screenshot of the window.
    pub async fn screenshot(&self, path: &PathBuf) {
        use base64_png::decode;
        let v = self.call("GET", "/screenshot", Value::Null).await;
        std::fs::write(path, decode(v.as_str().expect("base64 PNG"))).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Best effort: end the session so Chromium exits, then the driver.
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        let _ = reqwest::Client::new()
                            .delete(url)
                            .timeout(Duration::from_secs(5))
                            .send()
                            .await;
                    });
                }
            })
            .join();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A port free right now on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Standard base64 decoding (no crate for it in the tests' dependencies).
mod base64_png {
    pub fn decode(s: &str) -> Vec<u8> {
        let val = |c: u8| -> Option<u32> {
            Some(match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            } as u32)
        };
        let mut out = Vec::with_capacity(s.len() * 3 / 4);
        let (mut acc, mut bits) = (0u32, 0);
        for v in s.bytes().filter_map(val) {
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }
}
