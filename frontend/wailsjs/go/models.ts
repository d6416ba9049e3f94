export namespace desktop {
	
	export class EntryDTO {
	    seq: number;
	    elapsed_ms: number;
	    dir: string;
	    text: string;
	    tls: boolean;
	    host?: string;
	
	    static createFrom(source: any = {}) {
	        return new EntryDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.elapsed_ms = source["elapsed_ms"];
	        this.dir = source["dir"];
	        this.text = source["text"];
	        this.tls = source["tls"];
	        this.host = source["host"];
	    }
	}
	export class Header {
	    name: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new Header(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	    }
	}
	export class HistoryChangeDTO {
	    field: string;
	    kind: string;
	    step?: string;
	    old: string;
	    new: string;
	    meaning: string;
	
	    static createFrom(source: any = {}) {
	        return new HistoryChangeDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.field = source["field"];
	        this.kind = source["kind"];
	        this.step = source["step"];
	        this.old = source["old"];
	        this.new = source["new"];
	        this.meaning = source["meaning"];
	    }
	}
	export class HistoryComparison {
	    old: history.Run;
	    new: history.Run;
	    changes: HistoryChangeDTO[];
	
	    static createFrom(source: any = {}) {
	        return new HistoryComparison(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.old = this.convertValues(source["old"], history.Run);
	        this.new = this.convertValues(source["new"], history.Run);
	        this.changes = this.convertValues(source["changes"], HistoryChangeDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HistoryFilter {
	    profile: string;
	    domain: string;
	    host: string;
	    search: string;
	    failed: boolean;
	    since_days: number;
	    limit: number;
	    before: number;
	
	    static createFrom(source: any = {}) {
	        return new HistoryFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = source["profile"];
	        this.domain = source["domain"];
	        this.host = source["host"];
	        this.search = source["search"];
	        this.failed = source["failed"];
	        this.since_days = source["since_days"];
	        this.limit = source["limit"];
	        this.before = source["before"];
	    }
	}
	export class HistoryRetention {
	    max_age_days: number;
	    max_runs: number;
	
	    static createFrom(source: any = {}) {
	        return new HistoryRetention(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.max_age_days = source["max_age_days"];
	        this.max_runs = source["max_runs"];
	    }
	}
	export class HistoryRun {
	    run: history.Run;
	    json: string;
	
	    static createFrom(source: any = {}) {
	        return new HistoryRun(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.run = this.convertValues(source["run"], history.Run);
	        this.json = source["json"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StepDTO {
	    id: number;
	    name: string;
	    host?: string;
	    command?: string;
	    recipient?: string;
	    reply?: smtpwire.Reply;
	    status: string;
	    failure?: string;
	    error?: string;
	    error_text?: lang.Text;
	    // Go type: time
	    started: any;
	    duration_ms: number;
	    offset_ms: number;
	    evaluation?: diagnose.Evaluation;
	
	    static createFrom(source: any = {}) {
	        return new StepDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.host = source["host"];
	        this.command = source["command"];
	        this.recipient = source["recipient"];
	        this.reply = this.convertValues(source["reply"], smtpwire.Reply);
	        this.status = source["status"];
	        this.failure = source["failure"];
	        this.error = source["error"];
	        this.error_text = this.convertValues(source["error_text"], lang.Text);
	        this.started = this.convertValues(source["started"], null);
	        this.duration_ms = source["duration_ms"];
	        this.offset_ms = source["offset_ms"];
	        this.evaluation = this.convertValues(source["evaluation"], diagnose.Evaluation);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HostRun {
	    host: string;
	    ip: string;
	    port: number;
	    mx_preference?: number;
	    ok: boolean;
	    exit_code: number;
	    steps: StepDTO[];
	    verdict: diagnose.Headline;
	    warnings: string[];
	    extensions: string[];
	    tls?: tlsreport.Report;
	
	    static createFrom(source: any = {}) {
	        return new HostRun(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.host = source["host"];
	        this.ip = source["ip"];
	        this.port = source["port"];
	        this.mx_preference = source["mx_preference"];
	        this.ok = source["ok"];
	        this.exit_code = source["exit_code"];
	        this.steps = this.convertValues(source["steps"], StepDTO);
	        this.verdict = this.convertValues(source["verdict"], diagnose.Headline);
	        this.warnings = source["warnings"];
	        this.extensions = source["extensions"];
	        this.tls = this.convertValues(source["tls"], tlsreport.Report);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MXHost {
	    preference: number;
	    exchanger: string;
	    exchanger_unicode?: string;
	    equal: boolean;
	    implicit: boolean;
	    addresses: string[];
	    flags: string[];
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new MXHost(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.preference = source["preference"];
	        this.exchanger = source["exchanger"];
	        this.exchanger_unicode = source["exchanger_unicode"];
	        this.equal = source["equal"];
	        this.implicit = source["implicit"];
	        this.addresses = source["addresses"];
	        this.flags = source["flags"];
	        this.error = source["error"];
	    }
	}
	export class MXRequest {
	    domain: string;
	    dns_server: string;
	    lang: string;
	
	    static createFrom(source: any = {}) {
	        return new MXRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.domain = source["domain"];
	        this.dns_server = source["dns_server"];
	        this.lang = source["lang"];
	    }
	}
	export class MXResult {
	    domain: string;
	    display: string;
	    resolver: string;
	    rcode: string;
	    null_mx: boolean;
	    implicit_mx: boolean;
	    hosts: MXHost[];
	    warnings: string[];
	    elapsed_ms: number;
	    error?: string;
	    error_kind?: string;
	
	    static createFrom(source: any = {}) {
	        return new MXResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.domain = source["domain"];
	        this.display = source["display"];
	        this.resolver = source["resolver"];
	        this.rcode = source["rcode"];
	        this.null_mx = source["null_mx"];
	        this.implicit_mx = source["implicit_mx"];
	        this.hosts = this.convertValues(source["hosts"], MXHost);
	        this.warnings = source["warnings"];
	        this.elapsed_ms = source["elapsed_ms"];
	        this.error = source["error"];
	        this.error_kind = source["error_kind"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ProfileEntry {
	    id: string;
	    file: string;
	    name: string;
	    damaged: boolean;
	    error?: string;
	    profile?: profile.Profile;
	
	    static createFrom(source: any = {}) {
	        return new ProfileEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.file = source["file"];
	        this.name = source["name"];
	        this.damaged = source["damaged"];
	        this.error = source["error"];
	        this.profile = this.convertValues(source["profile"], profile.Profile);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ReceiverConn {
	    id: number;
	    remote: string;
	    start: string;
	    open: boolean;
	    ehlo: string;
	    tls: boolean;
	    messages: number;
	    lines: string[];
	
	    static createFrom(source: any = {}) {
	        return new ReceiverConn(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.remote = source["remote"];
	        this.start = source["start"];
	        this.open = source["open"];
	        this.ehlo = source["ehlo"];
	        this.tls = source["tls"];
	        this.messages = source["messages"];
	        this.lines = source["lines"];
	    }
	}
	export class ReceiverMessage {
	    id: number;
	    conn_id: number;
	    time: string;
	    from: string;
	    rcpts: string[];
	    subject: string;
	    size: number;
	    tls: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ReceiverMessage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.conn_id = source["conn_id"];
	        this.time = source["time"];
	        this.from = source["from"];
	        this.rcpts = source["rcpts"];
	        this.subject = source["subject"];
	        this.size = source["size"];
	        this.tls = source["tls"];
	    }
	}
	export class ReceiverRequest {
	    addr: string;
	    domain: string;
	    reject_rcpt: string;
	    greylist: boolean;
	    banner_delay_ms: number;
	    tls: boolean;
	    lang: string;
	
	    static createFrom(source: any = {}) {
	        return new ReceiverRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.addr = source["addr"];
	        this.domain = source["domain"];
	        this.reject_rcpt = source["reject_rcpt"];
	        this.greylist = source["greylist"];
	        this.banner_delay_ms = source["banner_delay_ms"];
	        this.tls = source["tls"];
	        this.lang = source["lang"];
	    }
	}
	export class ReceiverStatus {
	    running: boolean;
	    addr: string;
	    host: string;
	    port: number;
	    fingerprint?: string;
	    connections: ReceiverConn[];
	    messages: ReceiverMessage[];
	
	    static createFrom(source: any = {}) {
	        return new ReceiverStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.running = source["running"];
	        this.addr = source["addr"];
	        this.host = source["host"];
	        this.port = source["port"];
	        this.fingerprint = source["fingerprint"];
	        this.connections = this.convertValues(source["connections"], ReceiverConn);
	        this.messages = this.convertValues(source["messages"], ReceiverMessage);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RunResult {
	    id: string;
	    ok: boolean;
	    exit_code: number;
	    canceled: boolean;
	    runs: HostRun[];
	    transcript: EntryDTO[];
	    field_errors?: Record<string, string>;
	    error?: string;
	    history_error?: string;
	    json: string;
	    sender?: sendercheck.Report;
	
	    static createFrom(source: any = {}) {
	        return new RunResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.ok = source["ok"];
	        this.exit_code = source["exit_code"];
	        this.canceled = source["canceled"];
	        this.runs = this.convertValues(source["runs"], HostRun);
	        this.transcript = this.convertValues(source["transcript"], EntryDTO);
	        this.field_errors = source["field_errors"];
	        this.error = source["error"];
	        this.history_error = source["history_error"];
	        this.json = source["json"];
	        this.sender = this.convertValues(source["sender"], sendercheck.Report);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SavedProfile {
	    profile: profile.Profile;
	    warning?: string;
	
	    static createFrom(source: any = {}) {
	        return new SavedProfile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = this.convertValues(source["profile"], profile.Profile);
	        this.warning = source["warning"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SenderRequest {
	    ip: string;
	    helo: string;
	    from: string;
	    from_header_domain: string;
	    dns_server: string;
	    dnsbl: string[];
	    dbl: string[];
	    lang: string;
	
	    static createFrom(source: any = {}) {
	        return new SenderRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ip = source["ip"];
	        this.helo = source["helo"];
	        this.from = source["from"];
	        this.from_header_domain = source["from_header_domain"];
	        this.dns_server = source["dns_server"];
	        this.dnsbl = source["dnsbl"];
	        this.dbl = source["dbl"];
	        this.lang = source["lang"];
	    }
	}
	export class SenderResult {
	    report?: sendercheck.Report;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new SenderResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.report = this.convertValues(source["report"], sendercheck.Report);
	        this.error = source["error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class TestRequest {
	    lang: string;
	    mode: string;
	    domain: string;
	    host: string;
	    port: number;
	    tls: string;
	    dns_server: string;
	    ehlo: string;
	    from: string;
	    to: string[];
	    notify: string[];
	    auth_mech: string;
	    auth_user: string;
	    password: string;
	    subject: string;
	    body: string;
	    headers: Header[];
	    stop_after: string;
	    timeouts: profile.Timeouts;
	    pipelining: boolean;
	    chunking: boolean;
	    profile_id: string;
	    insecure_skip_verify: boolean;
	    allow_plaintext_auth: boolean;
	    ca_file: string;
	    tls_min: string;
	    ret: string;
	    envid: string;
	    orcpt: boolean;
	    force_dsn: boolean;
	
	    static createFrom(source: any = {}) {
	        return new TestRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.lang = source["lang"];
	        this.mode = source["mode"];
	        this.domain = source["domain"];
	        this.host = source["host"];
	        this.port = source["port"];
	        this.tls = source["tls"];
	        this.dns_server = source["dns_server"];
	        this.ehlo = source["ehlo"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.notify = source["notify"];
	        this.auth_mech = source["auth_mech"];
	        this.auth_user = source["auth_user"];
	        this.password = source["password"];
	        this.subject = source["subject"];
	        this.body = source["body"];
	        this.headers = this.convertValues(source["headers"], Header);
	        this.stop_after = source["stop_after"];
	        this.timeouts = this.convertValues(source["timeouts"], profile.Timeouts);
	        this.pipelining = source["pipelining"];
	        this.chunking = source["chunking"];
	        this.profile_id = source["profile_id"];
	        this.insecure_skip_verify = source["insecure_skip_verify"];
	        this.allow_plaintext_auth = source["allow_plaintext_auth"];
	        this.ca_file = source["ca_file"];
	        this.tls_min = source["tls_min"];
	        this.ret = source["ret"];
	        this.envid = source["envid"];
	        this.orcpt = source["orcpt"];
	        this.force_dsn = source["force_dsn"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class WindowState {
	    width: number;
	    height: number;
	    x: number;
	    y: number;
	    maximised?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new WindowState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.width = source["width"];
	        this.height = source["height"];
	        this.x = source["x"];
	        this.y = source["y"];
	        this.maximised = source["maximised"];
	    }
	}
	export class UserSettings {
	    lang: string;
	    theme: string;
	    window?: WindowState;
	    demo_offered: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UserSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.lang = source["lang"];
	        this.theme = source["theme"];
	        this.window = this.convertValues(source["window"], WindowState);
	        this.demo_offered = source["demo_offered"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace diagnose {
	
	export class Evaluation {
	    step?: string;
	    class: string;
	    code?: number;
	    enhanced?: string;
	    failure?: string;
	    detail?: string;
	    severity: string;
	    summary: lang.Text;
	    code_meaning: lang.Text;
	    enhanced_meaning: lang.Text;
	    causes: lang.Text[];
	    actions: lang.Text[];
	    references: string[];
	    rule: string;
	    verdict: string;
	
	    static createFrom(source: any = {}) {
	        return new Evaluation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.step = source["step"];
	        this.class = source["class"];
	        this.code = source["code"];
	        this.enhanced = source["enhanced"];
	        this.failure = source["failure"];
	        this.detail = source["detail"];
	        this.severity = source["severity"];
	        this.summary = this.convertValues(source["summary"], lang.Text);
	        this.code_meaning = this.convertValues(source["code_meaning"], lang.Text);
	        this.enhanced_meaning = this.convertValues(source["enhanced_meaning"], lang.Text);
	        this.causes = this.convertValues(source["causes"], lang.Text);
	        this.actions = this.convertValues(source["actions"], lang.Text);
	        this.references = source["references"];
	        this.rule = source["rule"];
	        this.verdict = source["verdict"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Headline {
	    verdict: string;
	    severity: string;
	    class: string;
	    step?: string;
	    recipient?: string;
	    title: lang.Text;
	    cause: lang.Text;
	    actions: lang.Text[];
	    accepted: string[];
	    rejected: string[];
	    exit_code: number;
	    evaluation?: Evaluation;
	
	    static createFrom(source: any = {}) {
	        return new Headline(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.verdict = source["verdict"];
	        this.severity = source["severity"];
	        this.class = source["class"];
	        this.step = source["step"];
	        this.recipient = source["recipient"];
	        this.title = this.convertValues(source["title"], lang.Text);
	        this.cause = this.convertValues(source["cause"], lang.Text);
	        this.actions = this.convertValues(source["actions"], lang.Text);
	        this.accepted = source["accepted"];
	        this.rejected = source["rejected"];
	        this.exit_code = source["exit_code"];
	        this.evaluation = this.convertValues(source["evaluation"], Evaluation);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace history {
	
	export class Run {
	    id: number;
	    // Go type: time
	    started: any;
	    source: string;
	    profile: string;
	    domain: string;
	    host: string;
	    port: number;
	    verdict: string;
	    ok: boolean;
	    exit_code: number;
	    tls_version: string;
	    cert_sha256: string;
	    // Go type: time
	    cert_not_after?: any;
	    duration_ms: number;
	
	    static createFrom(source: any = {}) {
	        return new Run(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.started = this.convertValues(source["started"], null);
	        this.source = source["source"];
	        this.profile = source["profile"];
	        this.domain = source["domain"];
	        this.host = source["host"];
	        this.port = source["port"];
	        this.verdict = source["verdict"];
	        this.ok = source["ok"];
	        this.exit_code = source["exit_code"];
	        this.tls_version = source["tls_version"];
	        this.cert_sha256 = source["cert_sha256"];
	        this.cert_not_after = this.convertValues(source["cert_not_after"], null);
	        this.duration_ms = source["duration_ms"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace lang {
	
	export class Text {
	    en: string;
	    es: string;
	
	    static createFrom(source: any = {}) {
	        return new Text(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.en = source["en"];
	        this.es = source["es"];
	    }
	}

}

export namespace profile {
	
	export class Auth {
	    mechanism?: string;
	    user?: string;
	    secret_ref?: string;
	
	    static createFrom(source: any = {}) {
	        return new Auth(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mechanism = source["mechanism"];
	        this.user = source["user"];
	        this.secret_ref = source["secret_ref"];
	    }
	}
	export class DSN {
	    notify?: string[];
	    ret?: string;
	    envid?: string;
	    orcpt?: boolean;
	    force_dsn?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DSN(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.notify = source["notify"];
	        this.ret = source["ret"];
	        this.envid = source["envid"];
	        this.orcpt = source["orcpt"];
	        this.force_dsn = source["force_dsn"];
	    }
	}
	export class Envelope {
	    ehlo?: string;
	    from: string;
	    to: string[];
	    dsn: DSN;
	
	    static createFrom(source: any = {}) {
	        return new Envelope(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ehlo = source["ehlo"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.dsn = this.convertValues(source["dsn"], DSN);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Header {
	    name: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new Header(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	    }
	}
	export class Message {
	    subject?: string;
	    body?: string;
	    headers?: Header[];
	
	    static createFrom(source: any = {}) {
	        return new Message(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.subject = source["subject"];
	        this.body = source["body"];
	        this.headers = this.convertValues(source["headers"], Header);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Timeouts {
	    connect?: string;
	    banner?: string;
	    command?: string;
	    data_block?: string;
	    final_dot?: string;
	
	    static createFrom(source: any = {}) {
	        return new Timeouts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.connect = source["connect"];
	        this.banner = source["banner"];
	        this.command = source["command"];
	        this.data_block = source["data_block"];
	        this.final_dot = source["final_dot"];
	    }
	}
	export class Target {
	    domain?: string;
	    host?: string;
	    port?: number;
	    tls?: string;
	    dns_server?: string;
	    all_mx?: boolean;
	    ca_file?: string;
	    tls_min?: string;
	    insecure_skip_verify?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Target(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.domain = source["domain"];
	        this.host = source["host"];
	        this.port = source["port"];
	        this.tls = source["tls"];
	        this.dns_server = source["dns_server"];
	        this.all_mx = source["all_mx"];
	        this.ca_file = source["ca_file"];
	        this.tls_min = source["tls_min"];
	        this.insecure_skip_verify = source["insecure_skip_verify"];
	    }
	}
	export class Profile {
	    schema: number;
	    id: string;
	    name: string;
	    description?: string;
	    target: Target;
	    envelope: Envelope;
	    message: Message;
	    auth: Auth;
	    timeouts: Timeouts;
	    stop_after?: string;
	    pipelining: boolean;
	    chunking: boolean;
	    // Go type: time
	    created: any;
	    // Go type: time
	    updated: any;
	
	    static createFrom(source: any = {}) {
	        return new Profile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.schema = source["schema"];
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.target = this.convertValues(source["target"], Target);
	        this.envelope = this.convertValues(source["envelope"], Envelope);
	        this.message = this.convertValues(source["message"], Message);
	        this.auth = this.convertValues(source["auth"], Auth);
	        this.timeouts = this.convertValues(source["timeouts"], Timeouts);
	        this.stop_after = source["stop_after"];
	        this.pipelining = source["pipelining"];
	        this.chunking = source["chunking"];
	        this.created = this.convertValues(source["created"], null);
	        this.updated = this.convertValues(source["updated"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	

}

export namespace sendercheck {
	
	export class DMARCCheck {
	    domain: string;
	    policy: string;
	    record: string;
	    spf_aligned: boolean;
	    org_domain?: string;
	
	    static createFrom(source: any = {}) {
	        return new DMARCCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.domain = source["domain"];
	        this.policy = source["policy"];
	        this.record = source["record"];
	        this.spf_aligned = source["spf_aligned"];
	        this.org_domain = source["org_domain"];
	    }
	}
	export class Finding {
	    id: string;
	    status: string;
	    summary: string;
	    meaning: string;
	    consequence?: string;
	    actions: string[];
	
	    static createFrom(source: any = {}) {
	        return new Finding(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.status = source["status"];
	        this.summary = source["summary"];
	        this.meaning = source["meaning"];
	        this.consequence = source["consequence"];
	        this.actions = source["actions"];
	    }
	}
	export class HELOCheck {
	    name: string;
	    matches_ptr: boolean;
	    resolves_to_ip: boolean;
	    addresses?: string[];
	
	    static createFrom(source: any = {}) {
	        return new HELOCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.matches_ptr = source["matches_ptr"];
	        this.resolves_to_ip = source["resolves_to_ip"];
	        this.addresses = source["addresses"];
	    }
	}
	export class Listing {
	    zone: string;
	    kind: string;
	    query: string;
	    listed: boolean;
	    codes: string[];
	    meaning: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new Listing(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.zone = source["zone"];
	        this.kind = source["kind"];
	        this.query = source["query"];
	        this.listed = source["listed"];
	        this.codes = source["codes"];
	        this.meaning = source["meaning"];
	        this.status = source["status"];
	    }
	}
	export class SPFCheck {
	    domain: string;
	    result: string;
	    record: string;
	    matched: string;
	    lookups: number;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new SPFCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.domain = source["domain"];
	        this.result = source["result"];
	        this.record = source["record"];
	        this.matched = source["matched"];
	        this.lookups = source["lookups"];
	        this.error = source["error"];
	    }
	}
	export class Report {
	    ip: string;
	    ip_source: string;
	    local: boolean;
	    ptr: string[];
	    fcrdns: boolean;
	    helo: HELOCheck;
	    spf: SPFCheck;
	    dmarc: DMARCCheck;
	    dnsbl: Listing[];
	    findings: Finding[];
	
	    static createFrom(source: any = {}) {
	        return new Report(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ip = source["ip"];
	        this.ip_source = source["ip_source"];
	        this.local = source["local"];
	        this.ptr = source["ptr"];
	        this.fcrdns = source["fcrdns"];
	        this.helo = this.convertValues(source["helo"], HELOCheck);
	        this.spf = this.convertValues(source["spf"], SPFCheck);
	        this.dmarc = this.convertValues(source["dmarc"], DMARCCheck);
	        this.dnsbl = this.convertValues(source["dnsbl"], Listing);
	        this.findings = this.convertValues(source["findings"], Finding);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace smtpwire {
	
	export class Reply {
	    code: number;
	    enhanced?: string;
	    lines: string[];
	
	    static createFrom(source: any = {}) {
	        return new Reply(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.enhanced = source["enhanced"];
	        this.lines = source["lines"];
	    }
	}

}

export namespace tlsreport {
	
	export class Cert {
	    subject: string;
	    issuer: string;
	    sans: string[];
	    // Go type: time
	    not_before: any;
	    // Go type: time
	    not_after: any;
	    days_to_expiry: number;
	    sha256: string;
	    key_type: string;
	    key_bits: number;
	    is_ca: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Cert(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.subject = source["subject"];
	        this.issuer = source["issuer"];
	        this.sans = source["sans"];
	        this.not_before = this.convertValues(source["not_before"], null);
	        this.not_after = this.convertValues(source["not_after"], null);
	        this.days_to_expiry = source["days_to_expiry"];
	        this.sha256 = source["sha256"];
	        this.key_type = source["key_type"];
	        this.key_bits = source["key_bits"];
	        this.is_ca = source["is_ca"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Problem {
	    kind: string;
	    en: string;
	    es: string;
	    detail?: string;
	
	    static createFrom(source: any = {}) {
	        return new Problem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.en = source["en"];
	        this.es = source["es"];
	        this.detail = source["detail"];
	    }
	}
	export class Report {
	    version: string;
	    cipher_suite: string;
	    server_name: string;
	    verified: boolean;
	    skip_verify: boolean;
	    name_matches: boolean;
	    problem?: Problem;
	    chain: Cert[];
	
	    static createFrom(source: any = {}) {
	        return new Report(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.cipher_suite = source["cipher_suite"];
	        this.server_name = source["server_name"];
	        this.verified = source["verified"];
	        this.skip_verify = source["skip_verify"];
	        this.name_matches = source["name_matches"];
	        this.problem = this.convertValues(source["problem"], Problem);
	        this.chain = this.convertValues(source["chain"], Cert);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

