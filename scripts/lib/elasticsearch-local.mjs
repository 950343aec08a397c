// elasticsearch-local.mjs — a real, throw-away Elasticsearch (one node, or a small cluster) without Docker,
// for the integration-test global setup and `npm run es:local`. Plain ESM so both import it without a build.
//
// Why an embedded node and not the official test distribution: Maven Central carries
// `org.elasticsearch.distribution.integ-test-zip` only up to 8.19.x (an 8.x server rejects the
// `compatible-with=9` headers of our 9.x client), but it does carry the 9.x server jar and the Netty
// transport plugin. So we resolve those with Maven, compile the small launcher in scripts/es-node/ that
// builds a node with Netty from the class path, and run it with the Temurin JDK. No 9.4.x server jar was
// ever published there; 9.5.x is served, and a server minor >= the client minor (9.4) is what the client
// supports.
//
// Analysis as the distribution has it: the launcher also compiles stand-ins for the analysis-common module
// and the analysis-icu plugin over Lucene's own analysis jars (scripts/es-node/regradar/analysis/), under
// Elastic's names and parameters: analyzers english, cjk; filters asciifolding, cjk_width, cjk_bigram,
// porter_stem, kstem, stemmer (English languages), snowball, icu_folding, icu_normalizer, icu_transform;
// char filter icu_normalizer; tokenizers keyword, whitespace, icu_tokenizer. The server itself has the
// standard tokenizer, the stop (`_english_` and other lists) and lowercase filters, and the standard,
// simple, stop, keyword and whitespace analyzers.
//
// What the node still lacks (modules that are not on Maven Central): `GET /` (so `client.info()` and
// `client.ping()` fail: use `cluster.health`), the rest of analysis-common (other languages, synonyms,
// ngram, html_strip…), mapper-extras, painless/mustache scripts, reindex and update/delete-by-query,
// ingest pipelines, data streams, ILM, and every x-pack feature. Native libraries (zstd) are absent too,
// so `index.codec: best_compression` is not available.
import { execFile, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The one place that names the server version. Keep its minor >= the client's (`@elastic/elasticsearch`). */
export const ELASTICSEARCH_VERSION = "9.5.3";
/** The Lucene that server ships (checked after resolving); lucene-analysis-icu must be the same release. */
export const LUCENE_VERSION = "10.5.1";

export const DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";
const SCRIPTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_CACHE_DIR = path.resolve(SCRIPTS_DIR, "../.cache/elasticsearch");
const NODE_SOURCES_DIR = path.join(SCRIPTS_DIR, "es-node");

// Maven 3.8's default dependency plugin predates the goals' current options: name a recent one.
const MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
// A cold start takes ~10 s on an idle 2-core machine; other agents and CI share those cores.
const DEFAULT_START_TIMEOUT_MS = 180_000;
// The node closes in ~1-2 s, plus up to ~20 s on a loaded machine when it writes the class-data archive
// (first run only); past this it is wedged and gets SIGKILL.
const STOP_GRACE_MS = 60_000;
const POLL_INTERVAL_MS = 100;
const RUN_DIR_PREFIX = "regradar-es-";

const execFileAsync = promisify(execFile);
const noop = () => {};

/**
 * Makes sure the cache holds the server's jars (plus lucene-analysis-icu) and the compiled launcher,
 * resolving them with Maven (into ~/.m2 and then here) the first time. Safe to call from two processes
 * at once: each builds in a private staging folder and renames it into place. Returns the folders.
 */
export async function ensureElasticsearchDistribution({
  version = ELASTICSEARCH_VERSION,
  cacheDir = DEFAULT_CACHE_DIR,
  javaHome = defaultJavaHome(),
  log = noop,
} = {}) {
  const pom = distributionPom(version);
  // Keyed by the dependency list too, so adding a jar never reuses an older, smaller lib/.
  const home = path.join(cacheDir, `${version}-${hashOf(pom)}`);
  await fsp.mkdir(cacheDir, { recursive: true });
  await assertExecutable(path.join(javaHome, "bin", "javac"), "a JDK 21+ (set ES_JAVA_HOME)");

  if (!fs.existsSync(path.join(home, "lib"))) {
    log(`resolving Elasticsearch ${version} jars with Maven into ${home}`);
    const started = Date.now();
    await buildInto(home, cacheDir, async (staging) => {
      await fsp.writeFile(path.join(staging, "pom.xml"), pom);
      await run("mvn", [
        "-B",
        "-ntp",
        "-f",
        path.join(staging, "pom.xml"),
        `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
        "-DincludeScope=runtime",
        `-DoutputDirectory=${path.join(staging, "lib")}`,
      ], "Maven (apt-get install maven)");
      if (!fs.existsSync(path.join(staging, "lib", `lucene-core-${LUCENE_VERSION}.jar`))) {
        throw new Error(`Elasticsearch ${version} does not ship Lucene ${LUCENE_VERSION}: update LUCENE_VERSION`);
      }
    });
    log(`resolved Elasticsearch ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const sources = await javaSources();
  const launcher = path.join(home, `es-node-${hashOf(JSON.stringify(sources))}`);
  // A jar, not a classes folder: class-data sharing only archives classes loaded from jars.
  const jar = path.join(launcher, "regradar-es-node.jar");
  if (!fs.existsSync(launcher)) {
    log("compiling the node launcher and analysis plugins");
    await buildInto(launcher, home, async (staging) => {
      const classes = path.join(staging, "classes");
      await run(path.join(javaHome, "bin", "javac"), [
        "-nowarn",
        "-encoding",
        "UTF-8",
        "-d",
        classes,
        "-cp",
        path.join(home, "lib", "*"),
        ...sources.map(([file]) => path.join(NODE_SOURCES_DIR, file)),
      ], "javac");
      await run(path.join(javaHome, "bin", "jar"), ["--create", "--file", path.join(staging, path.basename(jar)), "-C", classes, "."], "jar");
      await fsp.rm(classes, { recursive: true });
    });
  }
  // The archive is only valid for the JDK that wrote it; a JDK update gets a new one.
  const jdkStamp = `${await fsp.realpath(javaHome)}:${(await fsp.stat(path.join(javaHome, "lib", "modules"))).mtimeMs}`;
  return {
    home,
    classPath: [jar, path.join(home, "lib", "*")].join(path.delimiter),
    classArchive: path.join(launcher, `classes-${hashOf(jdkStamp)}.jsa`),
  };
}

/**
 * Class-data sharing: the first node run records the classes Elasticsearch loads into an archive when it
 * exits (SIGTERM is enough; SIGKILL records nothing), and later runs map that archive instead of loading
 * and verifying ~10,000 classes from jars, which halves the start-up. Only one node per run records; the
 * archive is renamed into place whole, so concurrent runs never see a partial one.
 */
async function classDataSharing(archive) {
  if (fs.existsSync(archive)) return { jvmOptions: () => [`-XX:SharedArchiveFile=${archive}`], finish: async () => {}, abandon: noop };
  await removeAbandonedRecordings(archive);
  const recording = `${archive}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  let taken = false;
  return {
    jvmOptions: () => (taken ? [] : ((taken = true), [`-XX:ArchiveClassesAtExit=${recording}`])),
    // `complete`: no node was cut off by SIGKILL while stopping, i.e. possibly halfway through writing.
    finish: async (complete) => {
      const size = await fsp.stat(recording).then((stat) => stat.size, () => 0);
      if (complete && size > 0) await fsp.rename(recording, archive).catch(noop);
      else await fsp.rm(recording, { force: true });
    },
    abandon: () => fs.rmSync(recording, { force: true }),
  };
}

/** Recordings (~80 MB each) left by runs whose process was killed before it could finish or remove them. */
async function removeAbandonedRecordings(archive) {
  const dir = path.dirname(archive);
  for (const name of await fsp.readdir(dir)) {
    const owner = name.startsWith(path.basename(archive)) && /\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
    if (owner && !isAlive(Number(owner[1]))) await fsp.rm(path.join(dir, name), { force: true });
  }
}

/**
 * Starts Elasticsearch on 127.0.0.1 with random ports, temporary data and logs, and security off, and
 * resolves once the cluster is at least yellow with every node joined.
 *
 * `nodes: 1` (default) is a single-node cluster. `nodes: n > 1` is a real cluster discovering over
 * loopback: `nodes[0]` is the only master-eligible node (and holds data); the others are data-only, so
 * killing any of them leaves the cluster writable, as a replica test needs (two master-eligible nodes
 * could not survive losing either: a voting configuration keeps an odd size).
 *
 * Returns `{ url, urls, nodes, pid, exited, stop }`; `url`, `pid` and `exited` are the first node's.
 * Each of `nodes` is `{ name, url, pid, exited, kill(signal = "SIGKILL"), restart() }`: `kill` resolves
 * once the process is gone; `restart` starts it again on the same data folder and ports (so `url` holds)
 * and resolves once it has rejoined. `stop()` sends SIGTERM to all (SIGKILL after a deadline), waits for
 * the exits and removes the temp folder. Nodes also stop if this process exits or dies (they watch
 * their stdin pipe).
 */
export async function startElasticsearch({
  version = ELASTICSEARCH_VERSION,
  cacheDir = DEFAULT_CACHE_DIR,
  javaHome = defaultJavaHome(),
  heap = "512m",
  nodes: nodeCount = 1,
  log = noop,
  timeoutMs = DEFAULT_START_TIMEOUT_MS,
} = {}) {
  const deadline = Date.now() + timeoutMs;
  const { home, classPath, classArchive } = await ensureElasticsearchDistribution({ version, cacheDir, javaHome, log });
  const sharing = await classDataSharing(classArchive);

  await removeStaleRunDirs();
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), RUN_DIR_PREFIX));
  await fsp.writeFile(path.join(tmp, "owner.pid"), String(process.pid));
  const topology = await clusterTopology(nodeCount);
  const nodes = topology.map((settings) =>
    localNode({ home, classPath, sharing, javaHome, heap, dir: path.join(tmp, settings["node.name"]), settings, log }));

  // A synchronous last resort; the stdin watchdog covers deaths that skip 'exit' handlers.
  const onParentExit = () => {
    for (const node of nodes) node.killNow();
    sharing.abandon();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on("exit", onParentExit);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      const stoppedCleanly = await Promise.all(nodes.map((node) => node.stop()));
      await sharing.finish(stoppedCleanly.every(Boolean));
      process.off("exit", onParentExit);
      await fsp.rm(tmp, { recursive: true, force: true });
      log("Elasticsearch stopped");
    })());

  const started = Date.now();
  try {
    await Promise.all(nodes.map((node) => node.start(deadline)));
    await waitForCluster(nodes[0].url, nodeCount, nodes, deadline);
  } catch (err) {
    const tails = await Promise.all(nodes.map((node) => node.outputTail()));
    await stop();
    throw new Error(`${err.message}\n${tails.join("\n")}`, { cause: err });
  }
  const urls = nodes.map((node) => node.url);
  log(`Elasticsearch ${version} ready at ${urls.join(", ")} after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const handles = nodes.map((node) => ({
    name: node.name,
    url: node.url,
    get pid() {
      return node.pid;
    },
    get exited() {
      return node.exited;
    },
    kill: (signal = "SIGKILL") => node.kill(signal),
    restart: async () => {
      await node.start(Date.now() + timeoutMs);
      await waitForCluster(nodes[0].url, nodeCount, [node], Date.now() + timeoutMs);
    },
  }));
  return { url: urls[0], urls, nodes: handles, pid: nodes[0].pid, exited: nodes[0].exited, stop };
}

/** Per-node settings. One node needs no discovery; a cluster needs fixed transport ports to seed from. */
async function clusterTopology(nodeCount) {
  if (nodeCount === 1) {
    return [{ "node.name": "regradar-local", "cluster.name": "regradar-local", "discovery.type": "single-node", "transport.port": 0 }];
  }
  const transportPorts = await Promise.all(Array.from({ length: nodeCount }, freePort));
  // A private cluster name: other test runs on this machine also discover on loopback.
  const clusterName = `regradar-local-${randomUUID().slice(0, 8)}`;
  const names = transportPorts.map((_, i) => `regradar-local-${i}`);
  return names.map((name, i) => ({
    "node.name": name,
    "cluster.name": clusterName,
    "transport.port": transportPorts[i],
    "discovery.seed_hosts": transportPorts.map((port) => `127.0.0.1:${port}`),
    ...(i === 0 ? { "cluster.initial_master_nodes": [names[0]] } : { "node.roles": ["data"] }),
  }));
}

/** One node process over a fixed data folder; `start` may be called again after `kill` (a restart). */
function localNode({ home, classPath, sharing, javaHome, heap, dir, settings, log }) {
  const dirs = { config: path.join(dir, "config"), data: path.join(dir, "data"), logs: path.join(dir, "logs"), jvmTmp: path.join(dir, "tmp") };
  const consoleLog = path.join(dirs.logs, "console.log");
  const portsFile = path.join(dirs.logs, "http.ports");
  const name = settings["node.name"];
  let child;
  let exited = Promise.resolve({ code: null, signal: null });
  let httpPort = 0;
  let url;

  const start = async (deadline) => {
    await Promise.all(Object.values(dirs).map((folder) => fsp.mkdir(folder, { recursive: true })));
    // A restart binds the same HTTP port, so clients configured with this node's URL reach it again.
    await fsp.writeFile(path.join(dirs.config, "elasticsearch.yml"), nodeSettings({ ...settings, "http.port": httpPort }, dirs, home));
    await fsp.rm(portsFile, { force: true });
    const out = fs.openSync(consoleLog, "a");
    try {
      child = spawn(path.join(javaHome, "bin", "java"), [
        ...jvmOptions(home, heap, dirs.jvmTmp),
        ...sharing.jvmOptions(),
        "-cp",
        classPath,
        "org.elasticsearch.node.RegRadarNodeMain",
        dirs.config,
        "--exit-on-stdin-eof",
      ], { stdio: ["pipe", out, out] });
    } finally {
      fs.closeSync(out);
    }
    const current = child;
    exited = new Promise((resolve) => {
      current.once("error", (err) => resolve({ code: null, signal: null, err }));
      current.once("exit", (code, signal) => resolve({ code, signal }));
    });
    url = await waitForHttp({ portsFile, exited, deadline });
    httpPort = Number(new URL(url).port);
    log(`node ${name} answers at ${url}`);
  };

  const isRunning = () => child && child.exitCode === null && child.signalCode === null;
  const kill = async (signal) => {
    if (isRunning()) child.kill(signal);
    const exit = await exited;
    child?.stdin?.destroy();
    return exit;
  };

  return {
    name,
    start,
    kill,
    get url() {
      return url;
    },
    get pid() {
      return child?.pid;
    },
    get exited() {
      return exited;
    },
    killNow: () => isRunning() && child.kill("SIGKILL"),
    /** Resolves true unless the node had to be killed outright. */
    stop: async () => {
      let forced = false;
      const killer = setTimeout(() => (forced = isRunning()) && child.kill("SIGKILL"), STOP_GRACE_MS);
      await kill("SIGTERM");
      clearTimeout(killer);
      return !forced;
    },
    outputTail: async () => `--- ${name} output (tail) ---\n${await readTail(consoleLog)}`,
  };
}

/** Removes the temp folders of runs whose owning process was killed outright (nodes stop on their own). */
async function removeStaleRunDirs() {
  const entries = await fsp.readdir(os.tmpdir()).catch(() => []);
  for (const name of entries.filter((entry) => entry.startsWith(RUN_DIR_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    const pid = Number(await fsp.readFile(path.join(dir, "owner.pid"), "utf8").catch(() => ""));
    if (pid > 0 && !isAlive(pid)) await fsp.rm(dir, { recursive: true, force: true }).catch(noop);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

function assertAlive(exit, deadline) {
  if (exit) {
    throw new Error(
      `Elasticsearch exited during start-up (code ${exit.code}, signal ${exit.signal})${exit.err ? `: ${exit.err.message}` : ""}`,
    );
  }
  if (Date.now() > deadline) throw new Error("Elasticsearch did not become ready in time");
}

/** The node writes `<logs>/http.ports` (atomically, by rename) once HTTP is bound. */
async function waitForHttp({ portsFile, exited, deadline }) {
  let exit;
  exited.then((e) => (exit = e));
  for (;;) {
    assertAlive(exit, deadline);
    const address = await fsp.readFile(portsFile, "utf8").then((text) => text.split("\n")[0].trim(), () => "");
    if (address) return `http://${address}`;
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Waits until `url` reports every node joined and the cluster at least yellow; fails fast if a node dies. */
async function waitForCluster(url, nodeCount, watched, deadline) {
  const exits = watched.map(() => undefined);
  watched.forEach((node, i) => node.exited.then((e) => (exits[i] = e)));
  for (;;) {
    for (const exit of exits) assertAlive(exit, deadline);
    const waitSeconds = Math.max(1, Math.min(30, Math.floor((deadline - Date.now()) / 1000)));
    try {
      const res = await fetch(
        `${url}/_cluster/health?wait_for_status=yellow&wait_for_nodes=${nodeCount}&timeout=${waitSeconds}s`,
        { signal: AbortSignal.timeout(waitSeconds * 1000 + 5_000) },
      );
      if (res.ok) return;
      await res.body?.cancel();
    } catch {
      // Not answering yet; the liveness and deadline checks above decide when to give up.
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

function nodeSettings(perNode, dirs, home) {
  const settings = {
    "path.home": home,
    "path.data": dirs.data,
    "path.logs": dirs.logs,
    "network.host": "127.0.0.1",
    "node.portsfile": true,
    "cluster.routing.allocation.disk.threshold_enabled": false,
    "action.destructive_requires_name": false,
    "logger.level": "warn",
    ...perNode,
  };
  // JSON scalars and arrays are valid YAML flow values, which keeps paths with odd characters safe.
  return Object.entries(settings).map(([key, value]) => `${key}: ${JSON.stringify(value)}\n`).join("");
}

function jvmOptions(home, heap, jvmTmp) {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    // From Elasticsearch's own jvm.options: keep G1 headroom so a small heap does not trip the
    // real-memory circuit breaker under bulk load.
    "-XX:+UseG1GC",
    "-XX:G1ReservePercent=25",
    "-XX:InitiatingHeapOccupancyPercent=30",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-UsePerfData",
    `-Djava.io.tmpdir=${jvmTmp}`,
    "-Dfile.encoding=UTF-8",
    "-Djava.locale.providers=CLDR",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dlog4j.shutdownHookEnabled=false",
    "-Dlog4j2.disable.jmx=true",
    // Native helpers (zstd, SIMD) look in <es.path.home>/lib/platform, which Maven Central does not
    // ship: the node logs one "Unable to load native provider" warning and runs without them.
    `-Des.path.home=${home}`,
    "--enable-native-access=ALL-UNNAMED",
    // The JDK's base archive was dumped without the flag above; it says so on every start. Not actionable.
    "-Xlog:cds=off",
  ];
}

/** `[relative path, content]` of every .java file under scripts/es-node, sorted, for the build and its cache key. */
async function javaSources() {
  const files = (await fsp.readdir(NODE_SOURCES_DIR, { recursive: true })).filter((file) => file.endsWith(".java")).sort();
  return Promise.all(files.map(async (file) => [file, await fsp.readFile(path.join(NODE_SOURCES_DIR, file), "utf8")]));
}

function hashOf(text) {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

function distributionPom(version) {
  const dependency = (group, artifact, v) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${v}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>regradar.local</groupId>
  <artifactId>elasticsearch-local</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependency("org.elasticsearch", "elasticsearch", version)}
${dependency("org.elasticsearch.plugin", "transport-netty4", version)}
${dependency("org.apache.lucene", "lucene-analysis-icu", LUCENE_VERSION)}
  </dependencies>
</project>
`;
}

/** Builds `target` in a staging folder beside it and renames it into place; a concurrent winner is kept. */
async function buildInto(target, parent, build) {
  await fsp.mkdir(parent, { recursive: true });
  const staging = await fsp.mkdtemp(path.join(parent, `.staging-${path.basename(target)}-`));
  try {
    await fsp.chmod(staging, 0o755); // mkdtemp makes it private; the cache is shared read-only
    await build(staging);
    await fsp.rename(staging, target);
  } catch (err) {
    await fsp.rm(staging, { recursive: true, force: true });
    if (fs.existsSync(target) && (err.code === "ENOTEMPTY" || err.code === "EEXIST")) return;
    throw err;
  }
}

async function run(command, args, what) {
  try {
    await execFileAsync(command, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if (err.code === "ENOENT") throw new Error(`${what} not found: ${command}`, { cause: err });
    const output = `${err.stdout ?? ""}${err.stderr ?? ""}`.split("\n").slice(-40).join("\n");
    throw new Error(`${what} failed: ${command} ${args.join(" ")}\n${output}`, { cause: err });
  }
}

async function assertExecutable(file, what) {
  try {
    await fsp.access(file, fs.constants.X_OK);
  } catch (err) {
    throw new Error(`${what} is needed: ${file} is missing`, { cause: err });
  }
}

/** A port the kernel just had free on 127.0.0.1 (a tiny race with other processes is acceptable in tests). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function defaultJavaHome() {
  return process.env.ES_JAVA_HOME || DEFAULT_JAVA_HOME;
}

async function readTail(file, lines = 60) {
  const text = await fsp.readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
