package sendercheck

import "smtpprobe/backend/lang"

// Texts of the findings. Arguments are filled by Report.Localize; values
// from the network are escaped before they get here.

var txtDNSRetryAction = lang.Text{
	EN: "Run the check again; if it keeps failing, check the DNS server given with --dns-server (or the system's) answers for this name.",
	ES: "Repita la comprobación; si sigue fallando, compruebe que el servidor DNS indicado con --dns-server (o el del sistema) responde para este nombre."}

// Egress address.
var (
	txtLocalSummary = lang.Text{
		EN: "%s is a private or local address: receivers on the Internet never see it",
		ES: "%s es una dirección privada o local: los servidores de Internet nunca la ven"}
	txtLocalMeaning = lang.Text{
		EN: "A NAT sits between you and the Internet (RFC 1918/6598 private space, loopback or link-local), so the address receivers see is not known so nothing was checked: its reverse DNS, SPF, DMARC alignment and blocklist listings all depend on that address.",
		ES: "Hay un NAT entre usted e Internet (espacio privado RFC 1918/6598, loopback o enlace local), así que no se sabe qué dirección ven los receptores y no se comprobó nada: su DNS inverso, SPF, alineación DMARC y listas de bloqueo dependen de esa dirección."}
	txtLocalConsequence = lang.Text{
		EN: "The checks that matter most (PTR, SPF, blocklists) are missing from this report.",
		ES: "Faltan en este informe las comprobaciones más importantes (PTR, SPF, listas de bloqueo)."}
	txtLocalAction = lang.Text{
		EN: "Type the public address your mail leaves from (your firewall's or the server's echo in a reply to EHLO) to check it.",
		ES: "Escriba la dirección pública por la que sale su correo (la de su cortafuegos, o la que el servidor repite al responder a EHLO) para comprobarla."}
)

// Reverse DNS.
var (
	txtPTRErrSummary = lang.Text{
		EN: "the reverse DNS of %s could not be checked",
		ES: "no se pudo comprobar el DNS inverso de %s"}
	txtPTRErrMeaning = lang.Text{
		EN: "No DNS server gave a usable answer: %s.",
		ES: "Ningún servidor DNS dio una respuesta utilizable: %s."}
	txtPTRNoneSummary = lang.Text{
		EN: "%s has no reverse DNS (PTR) name",
		ES: "%s no tiene nombre de DNS inverso (PTR)"}
	txtPTRNoneMeaning = lang.Text{
		EN: "Receivers look up the PTR record of the connecting address and expect a name that resolves back to it (RFC 1912 §2.1).",
		ES: "Los receptores buscan el registro PTR de la dirección que se conecta y esperan un nombre que resuelva de vuelta a ella (RFC 1912 §2.1)."}
	txtPTRConsequence = lang.Text{
		EN: "Gmail will refuse with 550 5.7.25; many other receivers refuse or mark the mail as spam.",
		ES: "Gmail rechazará con 550 5.7.25; muchos otros receptores rechazan el correo o lo marcan como spam."}
	txtPTRAction = lang.Text{
		EN: "Ask whoever owns %s (your ISP or hosting provider, not your domain registrar) to set its PTR to your mail server's name, and give that name an A/AAAA record with this address.",
		ES: "Pida a quien es dueño de %s (su proveedor de Internet o de hosting, no su registrador de dominios) que ponga su PTR con el nombre de su servidor de correo, y dé a ese nombre un registro A/AAAA con esta dirección."}
	txtPTRUnconfSummary = lang.Text{
		EN: "the reverse DNS of %s (%s) does not resolve back to it",
		ES: "el DNS inverso de %s (%s) no resuelve de vuelta a ella"}
	txtPTRUnconfMeaning = lang.Text{
		EN: "A PTR name exists, but none of its A/AAAA records is this address: the name is not forward-confirmed (FCrDNS, RFC 1912 §2.1).",
		ES: "Existe un nombre PTR, pero ninguno de sus registros A/AAAA es esta dirección: el nombre no está confirmado en sentido directo (FCrDNS, RFC 1912 §2.1)."}
	txtPTRUnconfAction = lang.Text{
		EN: "Add an A (or AAAA) record %s -> %s, or change the PTR to a name that has one.",
		ES: "Añada un registro A (o AAAA) %s -> %s, o cambie el PTR por un nombre que lo tenga."}
	txtPTROKSummary = lang.Text{
		EN: "%s has reverse DNS %s, which resolves back to it",
		ES: "%s tiene DNS inverso %s, que resuelve de vuelta a ella"}
	txtPTROKMeaning = lang.Text{
		EN: "The PTR name is forward-confirmed (RFC 1912 §2.1), as Gmail and Outlook.com require.",
		ES: "El nombre PTR está confirmado en sentido directo (RFC 1912 §2.1), como exigen Gmail y Outlook.com."}
	txtGenericSummary = lang.Text{
		EN: "the reverse DNS name %s looks like a residential or dynamic address",
		ES: "el nombre de DNS inverso %s parece de una dirección residencial o dinámica"}
	txtGenericMeaning = lang.Text{
		EN: "The name spells out the address or has words such as dyn, dhcp, pool, dsl or cust: ISPs name customer pools so.",
		ES: "El nombre contiene la dirección o palabras como dyn, dhcp, pool, dsl o cust: así nombran los proveedores sus rangos de clientes."}
	txtGenericConsequence = lang.Text{
		EN: "Many receivers refuse or score down mail from such names (it is how botnets send).",
		ES: "Muchos receptores rechazan o penalizan el correo de estos nombres (así envían las redes de bots)."}
	txtGenericAction = lang.Text{
		EN: "Ask your provider for a PTR with your mail server's own name, or send through your provider's or Microsoft 365's smart host.",
		ES: "Pida a su proveedor un PTR con el nombre propio de su servidor de correo, o envíe a través del smart host de su proveedor o de Microsoft 365."}
)

// EHLO name.
var (
	txtHELOMeaning = lang.Text{
		EN: "The EHLO name should be the sending host's fully qualified name (RFC 5321 §4.1.4), one that resolves to the sending address and matches its PTR name.",
		ES: "El nombre de EHLO debe ser el nombre completo (FQDN) del equipo que envía (RFC 5321 §4.1.4), uno que resuelva a la dirección de envío y coincida con su nombre PTR."}
	txtHELOConsequence = lang.Text{
		EN: "Receivers with Postfix's reject_*_helo_hostname or similar rules refuse it (504 5.5.2 or 450 4.7.1 Helo command rejected); others score it as spam.",
		ES: "Los receptores con reject_*_helo_hostname de Postfix o reglas parecidas lo rechazan (504 5.5.2 o 450 4.7.1 Helo command rejected); otros lo puntúan como spam."}
	txtHELOAction = lang.Text{
		EN: "Set the EHLO name of the sending server (Exchange: the Send connector's FQDN) to %s.",
		ES: "Configure el nombre de EHLO del servidor que envía (Exchange: el FQDN del conector de envío) como %s."}
	txtHELOLiteralSummary = lang.Text{
		EN: "the EHLO name %s is an address literal, not a host name",
		ES: "el nombre de EHLO %s es un literal de dirección, no un nombre de equipo"}
	txtHELONotFQDNSummary = lang.Text{
		EN: "the EHLO name %s is not a fully qualified domain name",
		ES: "el nombre de EHLO %s no es un nombre de dominio completo"}
	txtHELOErrSummary = lang.Text{
		EN: "the EHLO name %s could not be resolved",
		ES: "no se pudo resolver el nombre de EHLO %s"}
	txtHELOErrMeaning = lang.Text{
		EN: "No DNS server gave a usable answer: %s.",
		ES: "Ningún servidor DNS dio una respuesta utilizable: %s."}
	txtHELONoAddrSummary = lang.Text{
		EN: "the EHLO name %s does not exist in DNS (no A/AAAA record)",
		ES: "el nombre de EHLO %s no existe en el DNS (sin registro A/AAAA)"}
	txtHELONoAddrConsequence = lang.Text{
		EN: "Receivers that check it refuse with 450 4.7.1 or 550 5.7.1 Helo command rejected: Host not found.",
		ES: "Los receptores que lo comprueban rechazan con 450 4.7.1 o 550 5.7.1 Helo command rejected: Host not found."}
	txtHELOResolvesSummary = lang.Text{
		EN: "the EHLO name %s resolves",
		ES: "el nombre de EHLO %s resuelve"}
	txtHELOOtherIPSummary = lang.Text{
		EN: "the EHLO name %s does not resolve to %s",
		ES: "el nombre de EHLO %s no resuelve a %s"}
	txtHELONoPTRMatchSummary = lang.Text{
		EN: "the EHLO name %s is not the PTR name (%s)",
		ES: "el nombre de EHLO %s no es el nombre PTR (%s)"}
	txtHELOOKSummary = lang.Text{
		EN: "the EHLO name %s resolves to %s and matches its PTR name",
		ES: "el nombre de EHLO %s resuelve a %s y coincide con su nombre PTR"}
)

// SPF.
var (
	txtSPFMeaning = lang.Text{
		EN: "SPF (RFC 7208) lets the MAIL FROM domain (the EHLO name for bounces) list the addresses allowed to send for it.",
		ES: "SPF (RFC 7208) permite al dominio de MAIL FROM (al nombre de EHLO en los rebotes) listar las direcciones autorizadas a enviar por él."}
	txtSPFNoIdentitySummary = lang.Text{
		EN: "SPF was not checked: no MAIL FROM address and no EHLO name given",
		ES: "no se comprobó SPF: no se indicó dirección MAIL FROM ni nombre de EHLO"}
	txtSPFNoIdentityAction = lang.Text{
		EN: "Give the MAIL FROM address (--from) to check its domain's SPF.",
		ES: "Indique la dirección MAIL FROM (--from) para comprobar el SPF de su dominio."}
	txtSPFOverLimit = lang.Text{
		EN: "The record needs %d DNS lookups, more than the limit of 10 (RFC 7208 §4.6.4): receivers that evaluate the whole record get permerror.",
		ES: "El registro necesita %d consultas DNS, más que el límite de 10 (RFC 7208 §4.6.4): los receptores que evalúan todo el registro obtienen permerror."}
	txtSPFPassSummary = lang.Text{
		EN: "SPF passes: %[2]s authorises %[1]s (%[3]s)",
		ES: "SPF correcto: %[2]s autoriza a %[1]s (%[3]s)"}
	txtSPFKeepAction = lang.Text{
		EN: "Nothing to do; keep the record up to date when the sending address changes.",
		ES: "Nada que hacer; mantenga el registro al día cuando cambie la dirección de envío."}
	txtSPFFailSummary = lang.Text{
		EN: "SPF fails: %s does not authorise %s",
		ES: "SPF falla: %s no autoriza a %s"}
	txtSPFFailConsequence = lang.Text{
		EN: "Receivers refuse with 550 5.7.1 or 550 5.7.23 (SPF fail); Outlook.com refuses unauthenticated mail with 550 5.7.515.",
		ES: "Los receptores rechazan con 550 5.7.1 o 550 5.7.23 (SPF fail); Outlook.com rechaza el correo no autenticado con 550 5.7.515."}
	txtSPFAddAction = lang.Text{
		EN: "Add ip4:/ip6:%s (or an include: of your provider) to the SPF record of %s.",
		ES: "Añada ip4:/ip6:%s (o un include: de su proveedor) al registro SPF de %s."}
	txtSPFSoftSummary = lang.Text{
		EN: "SPF of %s does not authorise %s (%s)",
		ES: "el SPF de %s no autoriza a %s (%s)"}
	txtSPFSoftConsequence = lang.Text{
		EN: "The mail is not authenticated by SPF: it goes to spam more often, and fails DMARC unless DKIM aligns.",
		ES: "El correo no queda autenticado por SPF: va más a menudo a spam y falla DMARC salvo que DKIM esté alineado."}
	txtSPFNoneSummary = lang.Text{
		EN: "%s has no SPF record",
		ES: "%s no tiene registro SPF"}
	txtSPFNoneConsequence = lang.Text{
		EN: "Gmail refuses unauthenticated mail with 550 5.7.26, Outlook.com with 550 5.7.515, unless DKIM passes.",
		ES: "Gmail rechaza el correo no autenticado con 550 5.7.26, Outlook.com con 550 5.7.515, salvo que DKIM sea correcto."}
	txtSPFPublishAction = lang.Text{
		EN: "Publish a TXT record at %s such as \"v=spf1 ip4:%s -all\" (use ip6: for IPv6).",
		ES: "Publique un registro TXT en %s como \"v=spf1 ip4:%s -all\" (use ip6: para IPv6)."}
	txtSPFTempSummary = lang.Text{
		EN: "SPF of %s could not be evaluated (temperror)",
		ES: "no se pudo evaluar el SPF de %s (temperror)"}
	txtSPFTempConsequence = lang.Text{
		EN: "Receivers that see the same DNS failure defer the mail (451 4.7.x) or accept it unauthenticated.",
		ES: "Los receptores que ven el mismo fallo de DNS aplazan el correo (451 4.7.x) o lo aceptan sin autenticar."}
	txtSPFPermSummary = lang.Text{
		EN: "the SPF record of %s is broken (permerror: %s)",
		ES: "el registro SPF de %s está roto (permerror: %s)"}
	txtSPFPermConsequence = lang.Text{
		EN: "Receivers treat the mail as unauthenticated, and some (Outlook.com, strict Postfix setups) refuse it.",
		ES: "Los receptores tratan el correo como no autenticado, y algunos (Outlook.com, Postfix estrictos) lo rechazan."}
	txtSPFFixAction = lang.Text{
		EN: "Correct the SPF record of %s: one record only, known mechanisms only, valid addresses and masks.",
		ES: "Corrija el registro SPF de %s: un solo registro, solo mecanismos conocidos, direcciones y máscaras válidas."}
	txtSPFFlattenAction = lang.Text{
		EN: "Bring the record's %d DNS lookups down to 10: remove unused include:s, replace a/mx with ip4:/ip6:, drop ptr.",
		ES: "Reduzca las %d consultas DNS del registro a 10: quite los include: que no use, cambie a/mx por ip4:/ip6:, elimine ptr."}
)

// DMARC.
var (
	txtDMARCMeaning = lang.Text{
		EN: "DMARC (RFC 7489) asks receivers to act on mail whose From: domain is authenticated by neither an aligned SPF pass nor an aligned DKIM signature. DKIM cannot be judged here without the signed message.",
		ES: "DMARC (RFC 7489) pide a los receptores que actúen sobre el correo cuyo dominio From: no queda autenticado ni por un SPF correcto alineado ni por una firma DKIM alineada. DKIM no se puede juzgar aquí sin el mensaje firmado."}
	txtDMARCErrSummary = lang.Text{
		EN: "the DMARC record of %s could not be read",
		ES: "no se pudo leer el registro DMARC de %s"}
	txtDMARCNoneSummary = lang.Text{
		EN: "%s has no DMARC record",
		ES: "%s no tiene registro DMARC"}
	txtDMARCBadSummary = lang.Text{
		EN: "the DMARC record of %s does not parse, so it counts as none: %s",
		ES: "el registro DMARC de %s no se puede interpretar, así que cuenta como inexistente: %s"}
	txtDMARCNoneConsequence = lang.Text{
		EN: "Gmail and Yahoo require DMARC from bulk senders; without it the domain is easier to spoof and mail is trusted less.",
		ES: "Gmail y Yahoo exigen DMARC a los remitentes masivos; sin él el dominio es más fácil de suplantar y el correo inspira menos confianza."}
	txtDMARCPublishAction = lang.Text{
		EN: "Publish a TXT record at _dmarc.%s such as \"v=DMARC1; p=none; rua=mailto:dmarc@yourdomain\" and tighten it once reports look clean.",
		ES: "Publique un registro TXT en _dmarc.%s como \"v=DMARC1; p=none; rua=mailto:dmarc@sudominio\" y endurézcalo cuando los informes estén limpios."}
	txtDMARCAlignedSummary = lang.Text{
		EN: "DMARC of %s (p=%s): SPF passes for %s and is aligned",
		ES: "DMARC de %s (p=%s): SPF es correcto para %s y está alineado"}
	txtDMARCNotAlignedSummary = lang.Text{
		EN: "DMARC of %s (p=%s): SPF as evaluated here would not align",
		ES: "DMARC de %s (p=%s): SPF, tal como se evaluó aquí, no estaría alineado"}
	txtDMARCNotAlignedSPF = lang.Text{
		EN: "SPF for %s gave %s, not pass, so it cannot authenticate the From: domain; only a DKIM signature of the From: domain can. DKIM cannot be judged here without the signed message.",
		ES: "SPF para %s dio %s, no pass, así que no puede autenticar el dominio From:; solo puede hacerlo una firma DKIM del dominio From:. DKIM no se puede juzgar aquí sin el mensaje firmado."}
	txtDMARCNotAlignedDomain = lang.Text{
		EN: "SPF passes for %s, which does not align with %s in %s mode (RFC 7489 §3.1.2); only a DKIM signature of the From: domain can authenticate it. DKIM cannot be judged here without the signed message.",
		ES: "SPF es correcto para %s, que no está alineado con %s en modo %s (RFC 7489 §3.1.2); solo una firma DKIM del dominio From: puede autenticarlo. DKIM no se puede juzgar aquí sin el mensaje firmado."}
	txtDMARCNotAlignedConsequence = lang.Text{
		EN: "Without an aligned DKIM signature the policy p=%s applies: reject is refused (Outlook.com 550 5.7.509, Gmail 550 5.7.26), quarantine goes to junk, none is delivered.",
		ES: "Sin una firma DKIM alineada se aplica la política p=%s: reject se rechaza (Outlook.com 550 5.7.509, Gmail 550 5.7.26), quarantine va a correo no deseado, none se entrega."}
	txtDMARCAlignAction = lang.Text{
		EN: "Sign with DKIM for %s, or send with a MAIL FROM address in the same domain as the From: header.",
		ES: "Firme con DKIM para %s, o envíe con una dirección MAIL FROM del mismo dominio que el encabezado From:."}
)

// Blocklists.
var (
	txtNotListed = lang.Text{
		EN: "not listed",
		ES: "no listada"}
	txtZoneError = lang.Text{
		EN: "the zone did not answer: %s",
		ES: "la zona no respondió: %s"}
	txtListedGeneric = lang.Text{
		EN: "listed",
		ES: "listada"}
	txtListedAs = lang.Text{
		EN: "listed: %s",
		ES: "listada: %s"}
	txtZoneRefused = lang.Text{
		EN: "the list refused to answer (Spamhaus 127.255.255.252/254/255: zone typo, query through a public or unregistered resolver, or too many queries): could not check",
		ES: "la lista se negó a responder (Spamhaus 127.255.255.252/254/255: zona mal escrita, consulta por un resolvedor público o no registrado, o demasiadas consultas): no se pudo comprobar"}
	txtZoneBogus = lang.Text{
		EN: "the answer is outside 127.0.0.0/8, which no list uses (RFC 5782 §2.1): a resolver that rewrites answers is in the way",
		ES: "la respuesta está fuera de 127.0.0.0/8, que ninguna lista usa (RFC 5782 §2.1): hay un resolvedor que reescribe las respuestas"}
	txtListedSummary = lang.Text{
		EN: "%s is listed by %s (%s)",
		ES: "%s está listada en %s (%s)"}
	txtListedConsequence = lang.Text{
		EN: "Receivers that use %s refuse the mail, typically 554 5.7.1 Service unavailable; Client host [...] blocked.",
		ES: "Los receptores que usan %s rechazan el correo, normalmente con 554 5.7.1 Service unavailable; Client host [...] blocked."}
	txtDelistAction = lang.Text{
		EN: "Find and stop what sent the spam, then request removal on the website of %s.",
		ES: "Encuentre y detenga lo que envió el spam y después pida la baja en la web de %s."}
	txtPBLAction = lang.Text{
		EN: "The address is an end-user one (Spamhaus PBL): send through your provider's or Microsoft 365's smart host, or ask for a static address whose PBL entry can be removed.",
		ES: "La dirección es de usuario final (Spamhaus PBL): envíe a través del smart host de su proveedor o de Microsoft 365, o pida una dirección fija cuya entrada en la PBL se pueda quitar."}
	txtUncheckedSummary = lang.Text{
		EN: "the blocklist %s could not be checked",
		ES: "no se pudo comprobar la lista de bloqueo %s"}
	txtZoneResolverAction = lang.Text{
		EN: "Ask the list through your own resolver (--dns-server), not a public one such as 8.8.8.8; Spamhaus needs a registered Data Query Service key for heavy use.",
		ES: "Consulte la lista a través de su propio resolvedor (--dns-server), no de uno público como 8.8.8.8; Spamhaus exige una clave del Data Query Service para un uso intensivo."}
	txtCleanSummary = lang.Text{
		EN: "not listed by any of the %d blocklist queries",
		ES: "no aparece en ninguna de las %d consultas a listas de bloqueo"}
	txtCleanMeaning = lang.Text{
		EN: "DNS blocklists (RFC 5782) answered NXDOMAIN: the address and domains are not listed.",
		ES: "Las listas de bloqueo DNS (RFC 5782) respondieron NXDOMAIN: la dirección y los dominios no están listados."}
)
