//! One connection to either back end: SQLite (the embedded default, a file)
//! or PostgreSQL (`postgres://…`, the shared engine behind many workers).
//!
//! The store's SQL is written once, in the subset both engines accept
//! (`?N` placeholders, `ON CONFLICT … DO NOTHING`, `RETURNING`), and its
//! modules call the rusqlite-shaped API here: [`Conn::execute`],
//! [`Conn::query_row`], [`Conn::prepare`] with `query_map`/`query`,
//! [`Conn::transaction`]. The few places where the dialects differ ask
//! [`Conn::backend`].
//!
//! Invariants:
//! - Values cross the boundary as [`Value`]/[`ValueRef`] (null, 64-bit
//!   integer, double, text, bytes), as SQLite stores them. PostgreSQL's
//!   stricter types are met at the edge: a parameter is written in the type
//!   the server inferred for it (an integer as `int4` when the column is
//!   `int4`, checked), and a column is read back from its actual type
//!   (`numeric` sums included). A value that does not fit is an error that
//!   names the column, never a silent truncation.
//! - PostgreSQL runs on its own thread (the `postgres` client drives its own
//!   runtime, which must not be nested inside the crawler's): a call sends a
//!   job there and waits for its answer, so a `Conn` can be used from any
//!   thread, async or not. Prepared statements are cached per connection.
//! - A [`Tx`] that is dropped without [`Tx::commit`] rolls back.

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::mpsc;

/// Which engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (rusqlite, bundled).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// True when `db` names a PostgreSQL database (`postgres://` or
/// `postgresql://`) rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    let lower = db.get(..13).unwrap_or(db).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A database URL or path fit to show: a PostgreSQL URL's password is
/// replaced by `***`.
pub fn redacted(db: &str) -> String {
    if !is_postgres_url(db) {
        return db.to_string();
    }
    match url::Url::parse(db) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            let secret = |k: &str| matches!(k.to_ascii_lowercase().as_str(), "password" | "sslpassword");
            if u.query_pairs().any(|(k, _)| secret(&k)) {
                let pairs: Vec<(String, String)> = u
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if secret(&k) { "***".to_string() } else { v.into_owned() };
                        (k.into_owned(), v)
                    })
                    .collect();
                u.query_pairs_mut().clear().extend_pairs(pairs);
            }
            u.to_string()
        }
        Err(_) => "postgres://(unparsable URL)".to_string(),
    }
}

/// A database error, from either engine, or a value that did not convert.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite's error.
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL's error (the server's message with its detail, or the connection's).
    #[error("{}", pg_message(.0))]
    Postgres(#[from] postgres::Error),
    /// A query that must return a row returned none.
    #[error("the query returned no row")]
    NoRow,
    /// A column's value has another type or range than the code reads.
    #[error("column {column}: {message}")]
    Conversion {
        /// The column's index in the result.
        column: usize,
        /// What did not fit.
        message: String,
    },
    /// The PostgreSQL connection's thread is gone (the connection broke).
    #[error("the PostgreSQL connection is closed")]
    Closed,
}

fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{}: {} ({d})", db.severity(), db.message()),
            None => format!("{}: {}", db.severity(), db.message()),
        },
        // The client's own words ("error connecting to server") and why (refused, no such host).
        None => {
            let mut out = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                out.push_str(&format!(": {s}"));
                source = s.source();
            }
            out
        }
    }
}

impl DbError {
    /// True when the engine refused because of a concurrent writer (SQLite
    /// busy, PostgreSQL serialization failure or deadlock): worth retrying.
    pub fn is_contention(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                )
            }
            DbError::Postgres(e) => e.code().is_some_and(|c| matches!(c.code(), "40001" | "40P01")),
            _ => false,
        }
    }
}

/// The result of a database call.
pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// `.optional()` on a single-row query, as rusqlite's `OptionalExtension`.
pub trait OptionalExtension<T> {
    /// No row becomes `None`; other errors stay errors.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRow) => Ok(None),
            Err(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// An owned value, as SQLite stores them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// Any integer (and booleans, as 0 or 1).
    Int(i64),
    /// A double.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// A borrowed value: what a parameter is bound as, and what a column is read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// SQL NULL.
    Null,
    /// Any integer.
    Int(i64),
    /// A double.
    Real(f64),
    /// UTF-8 text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

impl Value {
    fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Int(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

impl ValueRef<'_> {
    fn to_owned_value(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(s) => Value::Text(s.to_string()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

/// A Rust value that can be bound as a parameter.
pub trait ToValue {
    /// The value to bind.
    fn to_value(&self) -> ValueRef<'_>;
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> ValueRef<'_> {
                ValueRef::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_to_value!(i64, i32, i16, u8, u16, u32, u64, usize);

impl ToValue for bool {
    fn to_value(&self) -> ValueRef<'_> {
        ValueRef::Int(*self as i64)
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> ValueRef<'_> {
        ValueRef::Real(*self)
    }
}
impl ToValue for str {
    fn to_value(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl ToValue for String {
    fn to_value(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}
impl ToValue for Value {
    fn to_value(&self) -> ValueRef<'_> {
        self.as_ref()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> ValueRef<'_> {
        self.as_ref().map_or(ValueRef::Null, |v| v.to_value())
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> ValueRef<'_> {
        (**self).to_value()
    }
}

/// The parameters of a statement: `params![…]`, an array, or a slice.
pub trait Params {
    /// The values, in placeholder order.
    fn values(&self) -> Vec<ValueRef<'_>>;
}

impl<T: ToValue> Params for &[T] {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(|v| v.to_value()).collect()
    }
}
impl<T: ToValue, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(|v| v.to_value()).collect()
    }
}
impl<T: ToValue> Params for &Vec<T> {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

/// Parameters of mixed types, as rusqlite's `params!`.
#[macro_export]
macro_rules! db_params {
    () => { &[] as &[&dyn $crate::store::db::ToValue] };
    ($($x:expr),+ $(,)?) => { &[$(&$x as &dyn $crate::store::db::ToValue),+] as &[&dyn $crate::store::db::ToValue] };
}
pub use crate::db_params as params;

/// A Rust value a column can be read as.
pub trait FromValue: Sized {
    /// Converts, or says why not.
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String>;
}

fn type_name(v: ValueRef<'_>) -> &'static str {
    match v {
        ValueRef::Null => "NULL",
        ValueRef::Int(_) => "an integer",
        ValueRef::Real(_) => "a real",
        ValueRef::Text(_) => "text",
        ValueRef::Blob(_) => "bytes",
    }
}

macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
                match v {
                    ValueRef::Int(i) => <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t))),
                    other => Err(format!("expected an integer, found {}", type_name(other))),
                }
            }
        }
    )*};
}
int_from_value!(i64, i32, u8, u16, u32, u64, usize);

impl FromValue for bool {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Int(i) => Ok(i as f64),
            other => Err(format!("expected a number, found {}", type_name(other))),
        }
    }
}
impl FromValue for String {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Text(s) => Ok(s.to_string()),
            other => Err(format!("expected text, found {}", type_name(other))),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            ValueRef::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {}", type_name(other))),
        }
    }
}
impl FromValue for Value {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        Ok(v.to_owned_value())
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a result.
pub enum Row<'a> {
    /// A SQLite row, read in place.
    Sqlite(&'a rusqlite::Row<'a>),
    /// A PostgreSQL row, converted on the connection's thread.
    Postgres(&'a [Value]),
}

impl Row<'_> {
    /// Column `i` (from 0) as `T`.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let conv = |message| DbError::Conversion { column: i, message };
        match self {
            Row::Sqlite(r) => {
                let v = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => ValueRef::Null,
                    rusqlite::types::ValueRef::Integer(i) => ValueRef::Int(i),
                    rusqlite::types::ValueRef::Real(f) => ValueRef::Real(f),
                    rusqlite::types::ValueRef::Text(t) => {
                        ValueRef::Text(std::str::from_utf8(t).map_err(|e| conv(format!("text is not UTF-8: {e}")))?)
                    }
                    rusqlite::types::ValueRef::Blob(b) => ValueRef::Blob(b),
                };
                T::from_value(v).map_err(conv)
            }
            Row::Postgres(vals) => {
                let v = vals.get(i).ok_or_else(|| conv("no such column".into()))?;
                T::from_value(v.as_ref()).map_err(conv)
            }
        }
    }
}

impl rusqlite::ToSql for ValueRef<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as R};
        Ok(ToSqlOutput::Borrowed(match *self {
            ValueRef::Null => R::Null,
            ValueRef::Int(i) => R::Integer(i),
            ValueRef::Real(f) => R::Real(f),
            ValueRef::Text(s) => R::Text(s.as_bytes()),
            ValueRef::Blob(b) => R::Blob(b),
        }))
    }
}

/// A connection to either back end.
pub enum Conn {
    /// A SQLite file.
    Sqlite(rusqlite::Connection),
    /// A PostgreSQL connection on its own thread.
    Postgres(PgConn),
}

impl fmt::Debug for Conn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Conn::Sqlite(_) => "Conn::Sqlite",
            Conn::Postgres(_) => "Conn::Postgres",
        })
    }
}

impl Conn {
    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, FTS5).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Conn::Sqlite(c) => Some(c),
            Conn::Postgres(_) => None,
        }
    }

    /// Runs one statement; the number of rows changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.values()))?)
            }
            Conn::Postgres(pg) => pg.execute(sql, owned(&params)),
        }
    }

    /// Runs several statements without parameters (a migration).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(pg) => pg.batch(sql.to_string()),
        }
    }

    /// The first row of a query through `f`; [`DbError::NoRow`] when there is none.
    pub fn query_row<T>(&self, sql: &str, params: impl Params, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(rusqlite::params_from_iter(params.values()))?;
                match rows.next()? {
                    Some(r) => f(&Row::Sqlite(r)),
                    None => Err(DbError::NoRow),
                }
            }
            Conn::Postgres(pg) => {
                let rows = pg.query(sql, owned(&params))?;
                match rows.first() {
                    Some(r) => f(&Row::Postgres(r)),
                    None => Err(DbError::NoRow),
                }
            }
        }
    }

    /// A statement to run once or many times (cached on both back ends).
    pub fn prepare<'c>(&'c self, sql: &str) -> Result<Stmt<'c>> {
        match self {
            Conn::Sqlite(c) => Ok(Stmt::Sqlite(c.prepare_cached(sql)?)),
            Conn::Postgres(pg) => Ok(Stmt::Postgres {
                pg,
                sql: sql.to_string(),
            }),
        }
    }

    /// The same as [`Conn::prepare`] (the statement cache is always used).
    pub fn prepare_cached<'c>(&'c self, sql: &str) -> Result<Stmt<'c>> {
        self.prepare(sql)
    }

    /// Starts a transaction; it rolls back unless committed.
    pub fn transaction(&self) -> Result<Tx<'_>> {
        self.execute_batch("BEGIN")?;
        Ok(Tx { conn: self, open: true })
    }

    /// Starts a transaction that takes SQLite's write lock at once (`BEGIN
    /// IMMEDIATE`); on PostgreSQL an ordinary one.
    pub fn transaction_immediate(&self) -> Result<Tx<'_>> {
        match self {
            Conn::Sqlite(_) => self.execute_batch("BEGIN IMMEDIATE")?,
            Conn::Postgres(_) => self.execute_batch("BEGIN")?,
        }
        Ok(Tx { conn: self, open: true })
    }
}

fn owned(params: &impl Params) -> Vec<Value> {
    params.values().into_iter().map(ValueRef::to_owned_value).collect()
}

/// An open transaction; derefs to the connection.
pub struct Tx<'c> {
    conn: &'c Conn,
    open: bool,
}

impl Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Tx<'_> {
    /// Commits.
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        match self.conn.execute_batch("COMMIT") {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// A prepared statement.
pub enum Stmt<'c> {
    /// SQLite's cached statement.
    Sqlite(rusqlite::CachedStatement<'c>),
    /// The SQL, prepared (and cached) on the PostgreSQL thread when run.
    Postgres {
        /// The connection.
        pg: &'c PgConn,
        /// The statement's SQL as written (SQLite placeholders).
        sql: String,
    },
}

impl Stmt<'_> {
    /// Runs it; the number of rows changed.
    pub fn execute(&mut self, params: impl Params) -> Result<usize> {
        match self {
            Stmt::Sqlite(st) => Ok(st.execute(rusqlite::params_from_iter(params.values()))?),
            Stmt::Postgres { pg, sql } => pg.execute(sql, owned(&params)),
        }
    }

    /// The rows, one at a time: `while let Some(r) = rows.next()? { … }`.
    pub fn query(&mut self, params: impl Params) -> Result<Rows<'_>> {
        match self {
            Stmt::Sqlite(st) => Ok(Rows::Sqlite(st.query(rusqlite::params_from_iter(params.values()))?)),
            Stmt::Postgres { pg, sql } => Ok(Rows::Postgres(pg.query(sql, owned(&params))?.into_iter(), None)),
        }
    }

    /// Every row through `f`, as an iterator of results (collected already).
    pub fn query_map<T>(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let mut out = Vec::new();
        self.for_each(params, |r| {
            out.push(f(r));
            Ok::<(), DbError>(())
        })?;
        Ok(out.into_iter())
    }

    /// Calls `f` with each row in turn (SQLite streams; PostgreSQL's rows
    /// arrive together).
    pub fn for_each<E: From<DbError>>(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(&Row<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Stmt::Sqlite(st) => {
                let mut rows = st
                    .query(rusqlite::params_from_iter(params.values()))
                    .map_err(DbError::from)?;
                while let Some(r) = rows.next().map_err(DbError::from)? {
                    f(&Row::Sqlite(r))?;
                }
                Ok(())
            }
            Stmt::Postgres { pg, sql } => {
                for r in pg.query(sql, owned(&params))? {
                    f(&Row::Postgres(&r))?;
                }
                Ok(())
            }
        }
    }

    /// The first row through `f`; [`DbError::NoRow`] when there is none.
    pub fn query_row<T>(&mut self, params: impl Params, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        match self {
            Stmt::Sqlite(st) => {
                let mut rows = st.query(rusqlite::params_from_iter(params.values()))?;
                match rows.next()? {
                    Some(r) => f(&Row::Sqlite(r)),
                    None => Err(DbError::NoRow),
                }
            }
            Stmt::Postgres { pg, sql } => match pg.query(sql, owned(&params))?.first() {
                Some(r) => f(&Row::Postgres(r)),
                None => Err(DbError::NoRow),
            },
        }
    }
}

/// The rows of a query being read (see [`Stmt::query`]).
pub enum Rows<'s> {
    /// SQLite's cursor.
    Sqlite(rusqlite::Rows<'s>),
    /// PostgreSQL's rows, and the one read last.
    Postgres(std::vec::IntoIter<Vec<Value>>, Option<Vec<Value>>),
}

impl Rows<'_> {
    /// The next row, or None after the last.
    #[allow(clippy::should_implement_trait)] // a lending iterator: the row borrows the cursor
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(r) => Ok(r.next()?.map(Row::Sqlite)),
            Rows::Postgres(it, current) => {
                *current = it.next();
                Ok(current.as_deref().map(Row::Postgres))
            }
        }
    }
}

type Job = Box<dyn FnOnce(&mut PgState) + Send>;

struct PgState {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

/// A PostgreSQL connection owned by its own thread (see the module's invariants).
pub struct PgConn {
    jobs: mpsc::Sender<Job>,
}

impl PgConn {
    /// Connects to `url` (a `postgres://` URL; TLS is not used, so the server
    /// is expected on a socket, loopback or a trusted network).
    pub fn connect(url: &str) -> Result<PgConn> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let url = url.to_string();
        std::thread::Builder::new()
            .name("precwatch-pg".into())
            .spawn(move || {
                let client = match postgres::Client::connect(&url, postgres::NoTls) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let mut state = PgState {
                    client,
                    statements: HashMap::new(),
                };
                while let Ok(job) = rx.recv() {
                    job(&mut state);
                }
            })
            .map_err(|_| DbError::Closed)?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(PgConn { jobs }),
            Ok(Err(e)) => Err(DbError::Postgres(e)),
            Err(_) => Err(DbError::Closed),
        }
    }

    fn call<R: Send + 'static>(&self, f: impl FnOnce(&mut PgState) -> R + Send + 'static) -> Result<R> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.jobs
            .send(Box::new(move |s| {
                let _ = tx.send(f(s));
            }))
            .map_err(|_| DbError::Closed)?;
        rx.recv().map_err(|_| DbError::Closed)
    }

    fn execute(&self, sql: &str, params: Vec<Value>) -> Result<usize> {
        let sql = sql.to_string();
        self.call(move |s| {
            let st = s.statement(&sql)?;
            let refs: Vec<PgParam> = params.iter().map(|v| PgParam(v.as_ref())).collect();
            let args: Vec<&(dyn postgres::types::ToSql + Sync)> = refs.iter().map(|p| p as _).collect();
            Ok(s.client.execute(&st, &args)? as usize)
        })?
    }

    fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Vec<Value>>> {
        let sql = sql.to_string();
        self.call(move |s| {
            let st = s.statement(&sql)?;
            let refs: Vec<PgParam> = params.iter().map(|v| PgParam(v.as_ref())).collect();
            let args: Vec<&(dyn postgres::types::ToSql + Sync)> = refs.iter().map(|p| p as _).collect();
            let rows = s.client.query(&st, &args)?;
            rows.iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| r.try_get::<_, PgValue>(i).map(|v| v.0).map_err(DbError::from))
                        .collect()
                })
                .collect()
        })?
    }

    fn batch(&self, sql: String) -> Result<()> {
        self.call(move |s| Ok(s.client.batch_execute(&sql)?))?
    }
}

impl PgState {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(st) = self.statements.get(sql) {
            return Ok(st.clone());
        }
        let st = self.client.prepare(&pg_sql(sql))?;
        if self.statements.len() >= 512 {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

/// SQLite's placeholders (`?1`, `?`) as PostgreSQL's (`$1`); quoted text,
/// quoted names and comments are left alone. One linear pass.
pub fn pg_sql(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut i = 0;
    let mut next = 0u32;
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'?' => {
                out.push_str(&sql[last..i]);
                let start = i + 1;
                let mut end = start;
                while end < b.len() && b[end].is_ascii_digit() {
                    end += 1;
                }
                if end > start {
                    out.push('$');
                    out.push_str(&sql[start..end]);
                } else {
                    next += 1;
                    out.push_str(&format!("${next}"));
                }
                i = end;
                last = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[last.min(sql.len())..]);
    out
}

/// A parameter written in the type the server inferred for it.
#[derive(Debug)]
struct PgParam<'a>(ValueRef<'a>);

impl postgres::types::ToSql for PgParam<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use bytes::BufMut;
        use postgres::types::{IsNull, Type};
        let wrong = || format!("cannot bind {} as {}", type_name(self.0), ty.name());
        match self.0 {
            ValueRef::Null => return Ok(IsNull::Yes),
            ValueRef::Int(i) => match *ty {
                Type::INT8 => out.put_i64(i),
                Type::INT4 => out.put_i32(i32::try_from(i).map_err(|_| wrong())?),
                Type::INT2 => out.put_i16(i16::try_from(i).map_err(|_| wrong())?),
                Type::FLOAT8 => out.put_f64(i as f64),
                Type::FLOAT4 => out.put_f32(i as f32),
                Type::BOOL => out.put_u8((i != 0) as u8),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    out.put_slice(i.to_string().as_bytes())
                }
                _ => return Err(wrong().into()),
            },
            ValueRef::Real(f) => match *ty {
                Type::FLOAT8 => out.put_f64(f),
                Type::FLOAT4 => out.put_f32(f as f32),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => out.put_slice(f.to_string().as_bytes()),
                _ => return Err(wrong().into()),
            },
            ValueRef::Text(s) => match *ty {
                Type::BYTEA => out.put_slice(s.as_bytes()),
                Type::INT8 | Type::INT4 | Type::INT2 | Type::FLOAT8 | Type::BOOL => return Err(wrong().into()),
                _ => out.put_slice(s.as_bytes()),
            },
            ValueRef::Blob(b) => match *ty {
                Type::BYTEA => out.put_slice(b),
                _ => return Err(wrong().into()),
            },
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A column read from its actual type.
struct PgValue(Value);

impl<'a> postgres::types::FromSql<'a> for PgValue {
    fn from_sql(
        ty: &postgres::types::Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        let int = |n: usize| -> std::result::Result<i64, String> {
            let b = raw.get(..n).ok_or("short integer")?;
            Ok(match n {
                8 => i64::from_be_bytes(b.try_into().map_err(|_| "short")?),
                4 => i32::from_be_bytes(b.try_into().map_err(|_| "short")?) as i64,
                _ => i16::from_be_bytes(b.try_into().map_err(|_| "short")?) as i64,
            })
        };
        Ok(PgValue(match *ty {
            Type::INT8 => Value::Int(int(8)?),
            Type::INT4 => Value::Int(int(4)?),
            Type::INT2 => Value::Int(int(2)?),
            Type::OID => Value::Int(u32::from_be_bytes(raw.try_into().map_err(|_| "short oid")?) as i64),
            Type::BOOL => Value::Int((raw.first() == Some(&1)) as i64),
            Type::FLOAT8 => Value::Real(f64::from_be_bytes(raw.try_into().map_err(|_| "short float")?)),
            Type::FLOAT4 => Value::Real(f32::from_be_bytes(raw.try_into().map_err(|_| "short float")?) as f64),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            _ => Value::Text(String::from_utf8(raw.to_vec())?),
        }))
    }

    fn from_sql_null(_: &postgres::types::Type) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgValue(Value::Null))
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
}

/// PostgreSQL's binary `numeric` (what `SUM` of integers returns): an
/// integer when it has no fraction and fits, else a double.
fn numeric(raw: &[u8]) -> std::result::Result<Value, String> {
    let word = |i: usize| -> std::result::Result<i16, String> {
        raw.get(i * 2..i * 2 + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "short numeric".to_string())
    };
    let (ndigits, weight, sign, dscale) = (word(0)?, word(1)?, word(2)? as u16, word(3)?);
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut int: Option<i128> = Some(0);
    let mut real = 0f64;
    for k in 0..ndigits.max(0) as usize {
        let d = word(4 + k)? as i128;
        let exp = weight as i32 - k as i32;
        real += d as f64 * 10000f64.powi(exp);
        int = match (int, exp) {
            (Some(v), e) if e >= 0 => 10000i128
                .checked_pow(e as u32)
                .and_then(|p| v.checked_add(d.checked_mul(p)?)),
            (Some(v), _) if d == 0 => Some(v),
            _ => None,
        };
    }
    let neg = sign == 0x4000;
    match int.and_then(|v| i64::try_from(if neg { -v } else { v }).ok()) {
        Some(v) if dscale == 0 => Ok(Value::Int(v)),
        _ => Ok(Value::Real(if neg { -real } else { real })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(pg_sql("SELECT ?1, ?2 WHERE a = ?1"), "SELECT $1, $2 WHERE a = $1");
        assert_eq!(pg_sql("SELECT ?, ? FROM t"), "SELECT $1, $2 FROM t");
        assert_eq!(
            pg_sql("SELECT '?1', \"a?\" -- x?\n, ?3"),
            "SELECT '?1', \"a?\" -- x?\n, $3"
        );
        assert_eq!(pg_sql("LIKE ?12 ESCAPE '\\'"), "LIKE $12 ESCAPE '\\'");
        assert_eq!(pg_sql("'unterminated ?"), "'unterminated ?");
    }

    #[test]
    fn numeric_decodes_sums() {
        // 123456789 = digits [1, 2345, 6789], weight 2
        let mut raw = Vec::new();
        for w in [3i16, 2, 0, 0, 1, 2345, 6789] {
            raw.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(numeric(&raw).unwrap(), Value::Int(123_456_789));
        let mut neg = Vec::new();
        for w in [1i16, 0, 0x4000, 0, 7] {
            neg.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(numeric(&neg).unwrap(), Value::Int(-7));
        let mut zero = Vec::new();
        for w in [0i16, 0, 0, 0] {
            zero.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(numeric(&zero).unwrap(), Value::Int(0));
        let mut frac = Vec::new();
        for w in [2i16, 0, 0, 1, 1, 5000] {
            frac.extend_from_slice(&w.to_be_bytes());
        }
        assert_eq!(numeric(&frac).unwrap(), Value::Real(1.5));
    }

    #[test]
    fn urls_are_told_apart_and_redacted() {
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("PostgreSQL://h/db"));
        assert!(!is_postgres_url("data/precwatch.sqlite"));
        assert_eq!(redacted("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redacted("x.sqlite"), "x.sqlite");
        assert_eq!(
            redacted("postgres://h/db?sslmode=disable&password=secret"),
            "postgres://h/db?sslmode=disable&password=***"
        );
    }

    #[test]
    fn sqlite_round_trips_through_the_api() {
        let c = Conn::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
        c.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, b BLOB, r REAL)")
            .unwrap();
        let tx = c.transaction().unwrap();
        tx.execute(
            "INSERT INTO t (s, b, r) VALUES (?1, ?2, ?3)",
            params!["a", vec![1u8, 2], 1.5],
        )
        .unwrap();
        tx.commit().unwrap();
        {
            let tx = c.transaction().unwrap();
            tx.execute("INSERT INTO t (s) VALUES (?1)", params!["rolled back"])
                .unwrap();
        }
        let (s, b, r): (String, Vec<u8>, f64) = c
            .query_row("SELECT s, b, r FROM t", params![], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((s.as_str(), b.as_slice(), r), ("a", &[1u8, 2][..], 1.5));
        let n: i64 = c.query_row("SELECT COUNT(*) FROM t", params![], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        let none = c
            .query_row("SELECT s FROM t WHERE id = ?1", [99], |r| r.get::<String>(0))
            .optional();
        assert!(matches!(none, Ok(None)));
        let bad = c
            .query_row("SELECT s FROM t", params![], |r| r.get::<i64>(0))
            .unwrap_err();
        assert!(bad.to_string().contains("column 0"), "{bad}");
    }
}
