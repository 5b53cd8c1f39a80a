// The self-test page's script: two WebRTC peers in this page, connected through the server
// that served it, each step timed. The result is shown, and left for machines in
// window.selfTestResult and document.body.dataset.selftest ('pass' or 'fail').
import { SignalingClient, ErrorCode } from './client.js';

const base = new URL('./', location.href); // the server's root URL: the page's and the socket's
const socketUrl = base.href.replace(/^http/, 'ws');
const MiB = 1 << 20;
const TIMEOUT = { socket: 10000, register: 10000, answer: 10000, ice: 15000, channel: 10000, transfer: 20000 };

const $ = (id) => document.getElementById(id);
const now = () => performance.now();

/** A step that did not complete: what failed and what to check. */
class StepFailure extends Error {
  constructor(hint) {
    super(hint);
    this.hint = hint;
  }
}

/**
 * `promise`, failing with `hint` (a string, or a function making it when needed) if it takes
 * longer than `ms` or fails without a hint of its own.
 */
function within(ms, promise, hint) {
  const failure = () => new StepFailure(typeof hint === 'function' ? hint() : hint);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(failure()), ms);
  });
  return Promise.race([promise, timeout])
    .catch((e) => { throw e instanceof StepFailure ? e : failure(); })
    .finally(() => clearTimeout(timer));
}

// --- the server's figures, from /health only -----------------------------------------------

async function health() {
  const response = await fetch(new URL('health', base), { cache: 'no-store' });
  if (!response.ok) throw new StepFailure(`/health answered ${response.status}: the page loads but /health does not; a proxy in front may route only part of the server.`);
  const figures = await response.json();
  showServer(figures);
  return figures;
}

function showServer(figures) {
  const field = (name) => $('server').querySelector(`[data-field="${name}"]`);
  field('status').textContent = figures.status;
  field('version').textContent = figures.version;
  field('uptime').textContent = `${figures.uptimeSeconds} s`;
  field('connections').textContent = String(figures.connections);
  field('peers').textContent = String(figures.peers);
}

// --- signaling: two clients of the client module --------------------------------------------

function signalingClient(id, token) {
  return new SignalingClient(socketUrl, { clientId: id, token: token || undefined, reconnect: false, pingInterval: 0 });
}

/** Resolves when the socket opens; rejects with the reason, found by asking the server, when it cannot. */
function opened(client, token) {
  return new Promise((resolve, reject) => {
    client.addEventListener('open', resolve, { once: true });
    client.addEventListener('close', (e) => {
      if (!e.opened) whyNoSocket(token).then((hint) => reject(new StepFailure(hint)));
    }, { once: true });
  });
}

/**
 * A browser hides why a WebSocket did not open, so the page asks the server whether it would
 * let this upgrade in (the same origin, address and token); the answer tells a refused origin
 * or credential from a proxy that never passed the upgrade on.
 */
async function whyNoSocket(token) {
  let check;
  try {
    const response = await fetch(new URL('self-test/upgrade-check', base), {
      method: 'POST', cache: 'no-store', headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    check = await response.json();
  } catch {
    return 'The WebSocket did not open, and the server did not answer the upgrade check either: is the server (or the proxy in front) up?';
  }
  if (check.admitted) {
    return 'Proxy not forwarding Upgrade: the server would admit this WebSocket, so the upgrade never reached it as one. '
      + 'A proxy in front must pass the Upgrade and Connection headers over HTTP/1.1 (nginx: proxy_http_version 1.1; '
      + 'proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; see docs/nginx/signaling.conf).';
  }
  switch (check.status) {
    case 403:
      return `Origin refused: the server does not allow this page's origin, ${location.origin} (it said "${check.reason}"). `
        + 'Add it to SIGNALING_ALLOWED_ORIGINS to run the self-test from here; your web app\'s own origin must be listed too.';
    case 401:
      return token
        ? `Credential refused: the server did not accept this token ("${check.reason}").`
        : `Authentication is on: enter a token (a JWT or an API key) and run again ("${check.reason}").`;
    case 429:
      return `Too many connections from this address: "${check.reason}" (SIGNALING_MAX_CONNECTIONS_PER_IP, SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE).`;
    case 503:
      return check.reason === 'server shutting down'
        ? 'The server is shutting down (draining): it refuses new sockets. Try again once it has restarted.'
        : `The server is at its connection limit: "${check.reason}" (SIGNALING_MAX_CONNECTIONS).`;
    default:
      return `The server refuses this WebSocket with ${check.status}: "${check.reason}".`;
  }
}

/** Rejects with a hint when the server answers a relay with an error (never resolves). */
function relayRefused(client) {
  return new Promise((_, reject) => client.addEventListener('error', (e) => reject(new StepFailure(
    e.code === ErrorCode.UNAVAILABLE
      ? `The server answered the offer with unavailable: "${e.message}". In cluster mode, check Redis and the other nodes (/ready).`
      : `The server answered the offer with ${e.code}: "${e.message}".`)), { once: true }));
}

/** Resolves with the `registered` event; rejects with a hint for an `error` or a close first. */
function registered(client) {
  return new Promise((resolve, reject) => {
    client.addEventListener('registered', resolve, { once: true });
    client.addEventListener('error', (e) => reject(new StepFailure(registerHint(e))), { once: true });
    client.addEventListener('close', (e) => reject(new StepFailure(
      `The server closed the socket (${e.code} ${e.reason}) before answering register.`)), { once: true });
  });
}

function registerHint(error) {
  switch (error.code) {
    case ErrorCode.UNAUTHORIZED:
      return `Credential refused at register: "${error.message}". Enter a valid token.`;
    case ErrorCode.FORBIDDEN:
      return 'The token names one id (its sub), but the self-test registers two ids of its own: use an API key or a token without sub.';
    case ErrorCode.RATE_LIMITED:
      return `Rate-limited at register: "${error.message}".`;
    default:
      return `register got ${error.code}: "${error.message}".`;
  }
}

// --- WebRTC: one pair of peer connections through the server ----------------------------------

const CANDIDATE_TYPE = / typ (host|srflx|prflx|relay)/;

/**
 * Two peer connections, `a` offering to `b`, signaled through the two clients, with
 * candidates counted by type and ICE errors (from TURN and STUN servers) kept.
 */
function pair(clients, config) {
  const [ca, cb] = clients;
  const peers = { a: new RTCPeerConnection(config), b: new RTCPeerConnection(config) };
  const gathered = { host: 0, srflx: 0, prflx: 0, relay: 0 };
  const iceErrors = [];
  const wire = (pc, client, otherId) => {
    let chain = Promise.resolve(); // descriptions and candidates applied in the order received
    const later = (work) => { chain = chain.then(work).catch(() => {}); };
    pc.onicecandidate = (e) => {
      if (!e.candidate || !e.candidate.candidate) return;
      const type = e.candidate.type || CANDIDATE_TYPE.exec(e.candidate.candidate)?.[1];
      if (type in gathered) gathered[type]++;
      client.send('candidate', otherId, { candidate: e.candidate.toJSON() });
    };
    pc.onicecandidateerror = (e) => iceErrors.push({ url: e.url, code: e.errorCode, text: e.errorText });
    client.addEventListener('candidate', (e) => later(() => pc.addIceCandidate(e.data.candidate)));
    return later;
  };
  const laterA = wire(peers.a, ca, cb.id);
  const laterB = wire(peers.b, cb, ca.id);
  cb.addEventListener('offer', (e) => laterB(async () => {
    await peers.b.setRemoteDescription(e.data.sdp);
    await peers.b.setLocalDescription(await peers.b.createAnswer());
    cb.send('answer', ca.id, { sdp: peers.b.localDescription });
  }));
  const answered = new Promise((resolve) => ca.addEventListener('answer', (e) => laterA(async () => {
    await peers.a.setRemoteDescription(e.data.sdp);
    resolve();
  })));
  const channel = peers.a.createDataChannel('self-test', { ordered: true });
  channel.binaryType = 'arraybuffer';
  const remoteChannel = new Promise((resolve) => {
    peers.b.ondatachannel = (e) => {
      e.channel.binaryType = 'arraybuffer';
      if (e.channel.readyState === 'open') resolve(e.channel);
      else e.channel.onopen = () => resolve(e.channel);
    };
  });
  const localOpen = new Promise((resolve) => { channel.onopen = resolve; });
  const iceConnected = new Promise((resolve, reject) => {
    peers.a.oniceconnectionstatechange = () => {
      const state = peers.a.iceConnectionState;
      if (state === 'connected' || state === 'completed') resolve();
      if (state === 'failed') reject(new Error('ICE failed'));
    };
  });
  // Resolves on the first relay candidate; rejects when gathering ends without one.
  const relayGathered = new Promise((resolve, reject) => {
    peers.a.addEventListener('icecandidate', (e) => {
      if (gathered.relay > 0) resolve();
      else if (!e.candidate) reject(new Error('gathering complete without a relay candidate'));
    });
  });
  relayGathered.catch(() => {});
  return {
    gathered,
    iceErrors,
    relayGathered,
    async offer() {
      await peers.a.setLocalDescription(await peers.a.createOffer());
      ca.send('offer', cb.id, { sdp: peers.a.localDescription });
    },
    answered,
    iceConnected,
    channels: Promise.all([localOpen, remoteChannel]).then(([, remote]) => [channel, remote]),
    close() {
      channel.close();
      peers.a.close();
      peers.b.close();
    },
  };
}

/** Sends 1 MiB over `channel` and resolves when `remote` has it all; returns MB/s. */
async function transfer(channel, remote) {
  const chunk = new Uint8Array(16 * 1024);
  const started = now();
  const received = new Promise((resolve) => {
    let bytes = 0;
    remote.onmessage = (e) => {
      bytes += e.data.byteLength;
      if (bytes >= MiB) resolve();
    };
  });
  channel.bufferedAmountLowThreshold = 256 * 1024;
  for (let sent = 0; sent < MiB; sent += chunk.length) {
    if (channel.bufferedAmount > MiB) {
      await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
    }
    channel.send(chunk);
  }
  await received;
  const seconds = (now() - started) / 1000;
  return MiB / 1e6 / seconds;
}

function typesOf(gathered) {
  return Object.entries(gathered).filter(([, n]) => n > 0).map(([type, n]) => `${type} ${n}`).join(', ') || 'none';
}

function turnServers(iceServers) {
  return iceServers
    .map((s) => ({ ...s, urls: [].concat(s.urls).filter((u) => /^turns?:/.test(u)) }))
    .filter((s) => s.urls.length > 0);
}

function turnHint(errors, servers) {
  const urls = servers.flatMap((s) => s.urls).join(', ');
  if (errors.some((e) => e.code === 401)) {
    return `TURN refused the credentials (401 from ${urls}): SIGNALING_TURN_SECRET must equal coturn's static-auth-secret (use-auth-secret), and both clocks must be right.`;
  }
  return `TURN unreachable: no relay candidate from ${urls}${errors.length ? ` (${errors.map((e) => `${e.code} ${e.text}`).join('; ')})` : ''}. `
    + 'Check that coturn runs, that its ports are open to browsers (UDP and TCP 3478, TLS 5349) and that SIGNALING_TURN_URLS names it.';
}

// --- the run --------------------------------------------------------------------------------

async function run(token) {
  const result = {
    verdict: 'running', failedStep: null, hint: null, steps: [], server: null, iceServers: [],
    candidateTypes: null, throughputMBps: null, relay: null, userAgent: navigator.userAgent,
  };
  const clients = [];
  const pairs = [];
  const step = async (name, work) => {
    const entry = { name, ms: null, ok: false, detail: '' };
    result.steps.push(entry);
    render(result);
    const started = now();
    try {
      const value = await work();
      entry.ms = Math.round(now() - started);
      entry.ok = true;
      entry.detail = typeof value === 'string' ? value : '';
      return value;
    } catch (e) {
      entry.ms = Math.round(now() - started);
      entry.detail = 'failed';
      throw Object.assign(e instanceof StepFailure ? e : new StepFailure(`${name} failed: ${e.message}`), { step: name });
    } finally {
      render(result);
    }
  };
  const tag = Math.random().toString(36).slice(2, 8);
  const connectPair = async (label) => {
    const pairClients = [signalingClient(`self-test-${tag}-${label}a`, token), signalingClient(`self-test-${tag}-${label}b`, token)];
    clients.push(...pairClients);
    const open = pairClients.map((c) => opened(c, token));
    const registering = pairClients.map(registered);
    registering.forEach((p) => p.catch(() => {}));
    pairClients.forEach((c) => c.connect());
    return { pairClients, open, registering };
  };

  try {
    await step('Server health', async () => {
      result.server = await health();
      return `${result.server.status}, version ${result.server.version}`;
    });
    const { pairClients, open, registering } = await connectPair('');
    await step('WebSocket open', () => within(TIMEOUT.socket, Promise.all(open),
      'The WebSocket did not open in time: a proxy or firewall in front may hold the upgrade.').then(() => socketUrl));
    let reg;
    await step('Register', async () => {
      [reg] = await within(TIMEOUT.register, Promise.all(registering), 'The server did not answer register in time.');
      const count = reg.iceServers.length;
      return `2 ids, ${count} ICE server${count === 1 ? '' : 's'} handed out`;
    });
    result.iceServers = reg.iceServers || [];
    $('ice').querySelector('[data-field="servers"]').textContent = result.iceServers.length
      ? result.iceServers.flatMap((s) => [].concat(s.urls)).join(', ') : 'none (host candidates only)';

    const direct = pair(pairClients, { iceServers: result.iceServers });
    pairs.push(direct);
    await step('Offer to answer', () => within(TIMEOUT.answer, Promise.race([
      direct.offer().then(() => direct.answered), relayRefused(pairClients[0]), relayRefused(pairClients[1])]),
    'The offer went out but no answer came back: the server did not relay between the two peers (see its log).')
      .then(() => 'relayed both ways'));
    await step('ICE connected', () => within(TIMEOUT.ice, direct.iceConnected,
      'ICE found no working pair between the two peers in this page. The browser may hide or block local '
      + 'candidates (WebRTC IP handling policy, an extension); with a TURN server configured the relay-only run shows whether relaying works.')
      .then(() => typesOf(direct.gathered)));
    let channel;
    let remote;
    await step('DataChannel open', async () => {
      [channel, remote] = await within(TIMEOUT.channel, direct.channels,
        'ICE connected but the data channel did not open (DTLS or SCTP failed).');
      return 'open both ways';
    });
    await step('Throughput (1 MiB)', async () => {
      const rate = await within(TIMEOUT.transfer, transfer(channel, remote), 'The data channel stalled during the 1 MiB transfer.');
      result.throughputMBps = Math.round(rate * 10) / 10;
      return `${result.throughputMBps} MB/s`;
    });
    result.candidateTypes = { ...direct.gathered };
    direct.close();

    const turn = turnServers(result.iceServers);
    if (turn.length > 0) {
      // A pair of its own, on two fresh sockets, that may use nothing but TURN relays.
      result.relay = { ok: false, candidates: 0 };
      let relayOnly;
      await step('TURN relay candidate', async () => {
        const fresh = await connectPair('r');
        await within(TIMEOUT.register, Promise.all(fresh.registering), 'The relay-only run\'s sockets did not register.');
        relayOnly = pair(fresh.pairClients, { iceServers: turn, iceTransportPolicy: 'relay' });
        pairs.push(relayOnly);
        await relayOnly.offer();
        await within(TIMEOUT.ice, relayOnly.relayGathered, () => turnHint(relayOnly.iceErrors, turn));
        return `relay ${relayOnly.gathered.relay}`;
      });
      await step('TURN relay connected', async () => {
        await within(TIMEOUT.ice, relayOnly.iceConnected.then(() => relayOnly.channels),
          'TURN hands out relay candidates but traffic does not pass between them: check coturn\'s relay ports '
          + '(min-port to max-port, UDP) and its denied-peer-ip ranges.');
        return 'data channel open over TURN';
      });
      result.relay = { ok: true, candidates: relayOnly.gathered.relay };
    }
    result.verdict = 'pass';
  } catch (e) {
    result.verdict = 'fail';
    result.failedStep = e.step || null;
    result.hint = e.hint || e.message;
  } finally {
    pairs.forEach((p) => p.close());
    clients.forEach((c) => c.close());
    if (!result.candidateTypes && pairs[0]) result.candidateTypes = { ...pairs[0].gathered };
    render(result);
  }
  return result;
}

// --- showing it -----------------------------------------------------------------------------

function render(result) {
  const body = $('steps').querySelector('tbody');
  body.replaceChildren(...result.steps.map((s) => {
    const row = document.createElement('tr');
    row.className = s.ms === null ? 'running' : s.ok ? 'ok' : 'failed';
    const cells = [s.name, s.ms === null ? '…' : `${s.ms} ms`, s.ms === null ? 'running' : s.ok ? `✓ ${s.detail}` : '✗ failed'];
    row.replaceChildren(...cells.map((text) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      return cell;
    }));
    return row;
  }));
  const verdict = $('verdict');
  verdict.hidden = false;
  verdict.className = `verdict ${result.verdict}`;
  $('verdict-text').textContent = result.verdict === 'pass' ? 'PASS: this deployment connects peers.'
    : result.verdict === 'fail' ? `FAIL at "${result.failedStep}"` : 'Running…';
  $('hint').textContent = result.verdict === 'fail' ? result.hint
    : result.verdict === 'pass' ? `1 MiB at ${result.throughputMBps} MB/s over a data channel set up through ${socketUrl}` : '';
  if (result.candidateTypes) $('ice').querySelector('[data-field="candidates"]').textContent = typesOf(result.candidateTypes);
  $('ice').querySelector('[data-field="relay"]').textContent = result.relay === null
    ? (result.verdict === 'running' ? '–' : 'not run: the server hands out no TURN server')
    : result.relay.ok ? `passed (${result.relay.candidates} relay candidates)` : 'failed';
}

async function start() {
  const button = $('run');
  button.disabled = true;
  delete document.body.dataset.selftest;
  const result = await run($('token').value.trim());
  window.selfTestResult = result;
  document.body.dataset.selftest = result.verdict;
  button.disabled = false;
}

const params = new URLSearchParams(location.search);
$('token').value = params.get('token') || '';
$('form').addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
health().catch((e) => showServer({ status: e.hint || 'unreachable', version: '?', uptimeSeconds: '?', connections: '?', peers: '?' }));
if (params.get('run') === '1') start();
