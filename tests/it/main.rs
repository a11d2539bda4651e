//! Integration tests: real HTTP servers on 127.0.0.1 started by each test,
//! real SQLite files, the real binary where the command line is the subject.

mod alerts;
mod chrome;
mod cli;
mod corpus;
mod crawl;
mod demo;
mod discovery;
mod emerging;
mod exports;
mod hostile;
mod politeness;
mod proxy;
mod recrawl;
mod resume;
mod review;
mod sellers;
mod serve;
mod shared;
mod util;
mod watch;
mod webdriver;
