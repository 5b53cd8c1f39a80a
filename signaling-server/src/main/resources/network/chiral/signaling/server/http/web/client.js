// Chiral signaling client: the reference client for web apps of this server's protocol
// (docs/protocol.md). An ES module with no dependencies, served by the server at /client.js;
// docs/client.md shows how to use it.
//
//   import { SignalingClient } from 'https://signal.example.com/client.js';
//   const client = new SignalingClient('wss://signal.example.com/', { clientId: 'alice' });
//   client.addEventListener('offer', (e) => answer(e.from, e.data.sdp));
//   client.addEventListener('error', (e) => console.warn(e.code, e.message));
//   client.connect();

/** Error codes the server sends in `error` messages (docs/protocol.md#error-codes). */
export const ErrorCode = Object.freeze({
  INVALID_MESSAGE: 'invalid-message',
  NOT_REGISTERED: 'not-registered',
  PEER_NOT_FOUND: 'peer-not-found',
  ID_TAKEN: 'id-taken',
  INTERNAL: 'internal',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  RATE_LIMITED: 'rate-limited',
  UNAVAILABLE: 'unavailable',
});

/** Close codes, the server's (docs/protocol.md#close-codes) and the browser's own. */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  ABNORMAL: 1006,
  INVALID_DATA: 1007,
  POLICY: 1008,
  TOO_BIG: 1009,
  REPLACED: 4000,
});

const MEANINGS = {
  1000: 'closed',
  1001: 'going-away',
  1002: 'protocol-error',
  1006: 'abnormal',
  1007: 'invalid-data',
  1008: 'policy',
  1009: 'too-big',
  4000: 'replaced',
};

// Message types of the protocol; any other type with a `to` is an application message.
const PROTOCOL_TYPES = new Set(['register', 'peers', 'offer', 'answer', 'candidate', 'ping', 'pong',
  'error', 'peer-joined', 'peer-left']);

const DEFAULTS = {
  clientId: undefined,
  token: undefined, // a string, or a function returning one (or a promise of one) per connection
  tokenIn: 'url', // 'url': ?token= on the WebSocket URL; 'register': the register's token field
  updates: 'list', // 'list' or 'delta' (docs/protocol.md#peer-list-updates)
  reconnect: true,
  minDelay: 500, // first reconnect delay, ms
  maxDelay: 30000, // cap of the exponential backoff, ms
  policyDelay: 10000, // least delay after a 1008 close (rate limit, overflow, cap race)
  jitter: 0.5, // each delay is cut by up to this fraction, at random
  idTakenRetries: 3, // register again this many times when a reconnect meets id-taken
  pingInterval: 20000, // app-level ping, ms; 0: none
  queueLimit: 256, // relays kept while not registered
  WebSocket: globalThis.WebSocket,
};

/** Any event of the client; the message's fields are properties of the event. */
export class SignalingEvent extends Event {
  constructor(type, fields = {}) {
    super(type);
    Object.assign(this, fields);
  }
}

/**
 * An `error` message from the server: `code` (one of ErrorCode), `message`, and `fatal` when
 * the server closes the socket after it and the client will not reconnect on its own.
 */
export class SignalingErrorEvent extends SignalingEvent {
  constructor(code, message, fatal) {
    super('error', { code, message, fatal });
  }
}

/**
 * The socket closed: `code` and `reason` as the server (or the browser) gave them, `meaning` (a
 * name for the code), `opened` (false when the handshake itself failed), and `reconnectIn`: the
 * delay before the next attempt in ms, or null when the client stays closed.
 */
export class SignalingCloseEvent extends SignalingEvent {
  constructor(code, reason, opened, reconnectIn) {
    super('close', { code, reason, opened, reconnectIn, meaning: MEANINGS[code] || (code >= 4000 ? 'application' : 'other') });
  }
}

/**
 * One connection to the signaling server, kept up: it registers on open, pings, reconnects
 * with exponential backoff and jitter, resumes when the server offers it, and turns every
 * message, error and close into an event.
 *
 * Events: `open`, `registered` (peers, total, iceServers), `peers` (the whole list changed),
 * `peer-joined` / `peer-left` (id), `offer` / `answer` / `candidate` / `message` (from, data),
 * `pong` (rtt), `error` (SignalingErrorEvent), `close` (SignalingCloseEvent).
 */
export class SignalingClient extends EventTarget {
  constructor(url, options = {}) {
    super();
    if (!/^wss?:$/.test(new URL(url).protocol)) throw new TypeError('url must be ws:// or wss://');
    this.url = url;
    this.options = { ...DEFAULTS, ...options };
    if (!this.options.clientId) throw new TypeError('options.clientId is required');
    this.id = this.options.clientId;
    this.peers = new Set(); // other registered ids, as far as this client knows
    this.total = 0;
    this.iceServers = [];
    this.state = 'idle'; // idle, connecting, registering, registered, waiting, closed
    this.resumeToken = null;
    this.socket = null;
    this.attempt = 0;
    this.idTakenRetries = 0;
    this.queue = [];
    this.registeredBefore = false;
    this.stopped = false;
  }

  /** Opens the socket (again, after close() or a fatal error); does nothing while one is up. */
  connect() {
    if (['connecting', 'registering', 'registered'].includes(this.state)) return this;
    this.stopped = false;
    clearTimeout(this.retryTimer);
    this.open();
    return this;
  }

  /** Closes the socket for good (code 1000); no reconnect. */
  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.state = 'closed';
    if (this.socket) this.socket.close(CloseCode.NORMAL);
  }

  /**
   * Sends a relay: `offer`, `answer`, `candidate` or an application type, to the id `to`, with
   * `fields` (`{sdp}`, `{candidate}`, anything for an application message). Kept until the
   * client is registered if it is not yet (at most queueLimit; false when dropped).
   */
  send(type, to, fields = {}) {
    const message = { ...fields, type, to };
    if (this.state === 'registered') return this.write(message);
    if (this.queue.length >= this.options.queueLimit) return false;
    this.queue.push(message);
    return true;
  }

  async open() {
    this.state = 'connecting';
    let token;
    try {
      token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    } catch (e) {
      this.closed(CloseCode.ABNORMAL, `no token: ${e.message}`, false);
      return;
    }
    if (this.stopped) return;
    let url = this.url;
    if (token && this.options.tokenIn === 'url') {
      const u = new URL(url);
      u.searchParams.set('token', token);
      url = u.toString();
    }
    let socket;
    try {
      socket = new this.options.WebSocket(url);
    } catch (e) { // refused before any connection: a Content-Security-Policy, a blocked port
      this.closed(CloseCode.ABNORMAL, e.message, false);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.state = 'registering';
      this.emit('open');
      const register = { type: 'register', clientId: this.id };
      if (this.options.updates !== 'list') register.updates = this.options.updates;
      if (token && this.options.tokenIn === 'register') register.token = token;
      if (this.options.resume !== false) register.resume = this.resumeToken || '';
      this.write(register);
      this.startPings();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.pingTimer);
      this.closed(event.code, event.reason, opened);
    };
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return; // the server sends JSON only
    }
    switch (message.type) {
      case 'peers': return this.onPeers(message);
      case 'peer-joined': return this.presence('peer-joined', message.id);
      case 'peer-left': return this.presence('peer-left', message.id);
      case 'pong': return this.emit('pong', { ts: message.ts, rtt: Date.now() - message.ts });
      case 'error': return this.onError(message);
      case 'offer': case 'answer': case 'candidate':
        return this.emit(message.type, { from: message.from, data: message });
      default:
        if (!PROTOCOL_TYPES.has(message.type)) this.emit('message', { from: message.from, data: message });
    }
  }

  onPeers(message) {
    const list = (message.peers || []).filter((id) => id !== this.id);
    const previous = this.peers;
    this.peers = new Set(list);
    this.total = message.total ?? list.length + 1;
    if (message.iceServers) this.iceServers = message.iceServers;
    if (message.resume) this.resumeToken = message.resume;
    const initial = !this.registeredBefore;
    if (this.state !== 'registered') {
      this.state = 'registered';
      this.attempt = 0;
      this.idTakenRetries = 0;
      this.registeredBefore = true;
      this.emit('registered', { peers: [...this.peers], total: this.total, iceServers: this.iceServers });
      this.queue.splice(0).forEach((m) => this.write(m));
    }
    this.emit('peers', { peers: [...this.peers], total: this.total });
    // Presence from lists is exact only while the list holds everyone (total counts them all).
    if (!initial && list.length + 1 >= this.total) {
      list.filter((id) => !previous.has(id)).forEach((id) => this.emit('peer-joined', { id }));
      [...previous].filter((id) => !this.peers.has(id)).forEach((id) => this.emit('peer-left', { id }));
    }
  }

  presence(type, id) {
    const joined = type === 'peer-joined';
    if (joined !== this.peers.has(id)) this.total += joined ? 1 : -1;
    if (joined) this.peers.add(id);
    else this.peers.delete(id);
    this.emit(type, { id });
  }

  onError(message) {
    const fatal = message.code === ErrorCode.UNAUTHORIZED;
    if (fatal) this.stopped = true; // the server closes with 1008; a new token is needed
    this.emit(new SignalingErrorEvent(message.code, message.message, fatal));
    // A reconnect that finds its own old socket still holding the id: the server probes it
    // (docs/protocol.md#id-takeover); when the holder looked alive, try again a little later.
    if (message.code === ErrorCode.ID_TAKEN && this.registeredBefore && this.state === 'registering'
        && this.idTakenRetries < this.options.idTakenRetries) {
      this.idTakenRetries++;
      this.retryTimer = setTimeout(() => {
        if (this.state === 'registering') this.write({ type: 'register', clientId: this.id });
      }, this.delay(this.idTakenRetries));
    }
  }

  closed(code, reason, opened) {
    const wasStopped = this.stopped || code === CloseCode.REPLACED || !this.options.reconnect;
    let reconnectIn = null;
    if (!wasStopped) {
      this.attempt++;
      reconnectIn = this.delay(this.attempt);
      if (code === CloseCode.POLICY) reconnectIn = Math.max(reconnectIn, this.options.policyDelay);
      this.state = 'waiting';
      this.retryTimer = setTimeout(() => this.open(), reconnectIn);
    } else {
      this.state = 'closed';
    }
    this.emit(new SignalingCloseEvent(code, reason, opened, reconnectIn));
  }

  /** Exponential backoff with jitter: minDelay * 2^(n-1), capped, cut by up to `jitter` at random. */
  delay(n) {
    const { minDelay, maxDelay, jitter } = this.options;
    const full = Math.min(maxDelay, minDelay * 2 ** Math.max(0, n - 1));
    return Math.round(full * (1 - jitter * Math.random()));
  }

  startPings() {
    clearInterval(this.pingTimer);
    if (this.options.pingInterval > 0) {
      this.pingTimer = setInterval(() => this.write({ type: 'ping', ts: Date.now() }), this.options.pingInterval);
    }
  }

  write(message) {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  emit(typeOrEvent, fields) {
    this.dispatchEvent(typeof typeOrEvent === 'string' ? new SignalingEvent(typeOrEvent, fields) : typeOrEvent);
  }
}
