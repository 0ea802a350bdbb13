/**
 * What mail clients write around a reply, in the languages casewatch's customers write in (English, German,
 * French, Spanish, Italian, Russian, Japanese): the data `quoted-history.ts` reads (docs/mail.md#message-text-and-quoted-history).
 * Each pattern is matched against one trimmed line (or two or three lines joined by a space, since clients
 * wrap long attribution lines). Add a language or a client here, with a message under test/fixtures/mail/replies.
 */

/**
 * Attribution lines that introduce the quoted original, reliable enough to cut the text at even when the
 * original under them is not `>`-quoted (Yahoo's text part, HTML converted to text). `\b` is ASCII-only
 * in JavaScript, so patterns with Cyrillic or Japanese words anchor on spaces instead.
 */
export const ATTRIBUTIONS: readonly RegExp[] = [
  // Gmail, Apple Mail, Thunderbird, Yahoo, Becky!: "On Thu, Nov 26, 2026 at 10:02 AM Name <a@b> wrote:"
  /^On\b.{0,400}\bwrote:$/i,
  // "Am 26.11.2026 um 10:02 schrieb Name <a@b>:", "Name <a@b> schrieb am 26.11.2026:"
  /^Am\b.{0,400}\bschrieb\b.{0,200}:$/i,
  /^.{1,300}\bschrieb am\b.{0,200}:$/i,
  // "Le jeu. 26 nov. 2026 à 10:02, Name <a@b> a écrit :" (a no-break space before the colon)
  /^Le\b.{0,400}\ba écrit\s?:$/i,
  // "El jue, 26 nov 2026 a las 10:02, Name (<a@b>) escribió:"
  /^El\b.{0,400}\bescribió:$/i,
  // "Il giorno gio 26 nov 2026 alle ore 10:02 Name <a@b> ha scritto:", "In data 26 nov 2026, … ha scritto:"
  /^(Il|In data)\b.{0,400}\bha scritto:$/i,
  // "26 ноября 2026 г., 10:02 пользователь Name <a@b> написал:", Thunderbird's "26.11.2026 10:02, Name пишет:"
  /^.{0,400}\s(написал|написала|написал\(а\)|пишет):$/i,
  // Mail.ru: "Четверг, 26 ноября 2026, 10:02 +03:00 от Name <a@b>:"
  /^.{0,100}\d{1,2}:\d{2}.{0,20}\sот\s.{1,300}:$/i,
  // Yandex and others, date first: '26.11.2026, 10:02, "Name" <a@b>:'
  /^\d{1,2}\.\d{1,2}\.\d{2,4},?\s+\d{1,2}:\d{2}.{0,300}:$/,
  // Gmail in Japanese: "2026年11月26日(木) 10:02 Name <a@b>:"; Apple Mail: "2026/11/26 10:02、Name <a@b>のメール:"
  /^\d{4}年\d{1,2}月\d{1,2}日.{0,20}\d{1,2}:\d{2}.{0,300}[:：]$/,
  /^.{0,400}(のメール|のメッセージ|さんは書きました|は書きました)[:：]$/,
];

/**
 * The start of a wrapped attribution, so that two or three lines are joined before matching:
 * "On …" / "Am …" / … or a line that opens with a date.
 */
export const ATTRIBUTION_START = /^(On|Am|Le|El|Il|In data)\b|^\d|^\S.{0,200}\d{1,2}:\d{2}/i;

/** The verb of an attribution, at its end: evidence enough when a quoted block follows ("Jo wrote:"). */
export const ATTRIBUTION_VERB =
  /(\bwrote|\bschrieb\b.{0,100}|\ba écrit\s?|\bescribió|\bha scritto|\sнаписала?|\sнаписал\(а\)|\sпишет|書きました)[:：]$/i;

/** Separators some clients put above the original ("-----Original Message-----" and its translations). */
export const SEPARATORS: readonly RegExp[] = [
  /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Ursprüngliche Mail|Originalnachricht|Message d'origine|Mail original|Message original|Mensaje original|Messaggio originale|Исходное сообщение|Оригинальное сообщение|元のメッセージ)\s*-{2,}$/i,
];

/**
 * Where a forwarded message begins (Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin
 * forwarded message:" and their translations): what follows is what the sender passes on, not history.
 */
export const FORWARD_INTROS: readonly RegExp[] = [
  /^-{2,}\s*(Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Пересылаемое сообщение|転送メッセージ)\s*-{2,}$/i,
  /^(Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|Début du message transféré|Inicio del mensaje reenviado|Comienzo del mensaje reenviado|Inizio messaggio inoltrato|Начало переадресованного сообщения|転送されたメッセージ)\s?[:：]$/i,
];

/** The kind of each field label in an Outlook-style block of the original's headers, by language. */
const HEADER_LABELS: Readonly<Record<string, 'from' | 'date' | 'to' | 'subject' | 'cc'>> = {
  from: 'from',
  von: 'from',
  de: 'from',
  da: 'from',
  от: 'from',
  差出人: 'from',
  sent: 'date',
  date: 'date',
  gesendet: 'date',
  datum: 'date',
  envoyé: 'date',
  enviado: 'date',
  'enviado el': 'date',
  fecha: 'date',
  inviato: 'date',
  data: 'date',
  отправлено: 'date',
  дата: 'date',
  送信日時: 'date',
  日付: 'date',
  to: 'to',
  an: 'to',
  à: 'to',
  a: 'to',
  para: 'to',
  кому: 'to',
  宛先: 'to',
  subject: 'subject',
  betreff: 'subject',
  objet: 'subject',
  asunto: 'subject',
  oggetto: 'subject',
  ogg: 'subject',
  тема: 'subject',
  件名: 'subject',
  cc: 'cc',
  kopie: 'cc',
  'copie à': 'cc',
  copia: 'cc',
  копия: 'cc',
};

/** "From: …", "*From:* …" (bold as a text part renders it), "De : …" (French spacing). */
const HEADER_FIELD = /^\*?([^\s:*：][^:*：]{0,14}?)\s?\*?\s?[:：]\*?(\s|$)/;

/** The kind of header field a trimmed line is, if it is one. */
export function headerFieldKind(line: string): string | undefined {
  const m = HEADER_FIELD.exec(line);
  return m?.[1] === undefined ? undefined : HEADER_LABELS[m[1].toLowerCase()];
}

/**
 * Lines a mail client or app appends to every message ("Sent from my iPhone", "Get Outlook for iOS"):
 * not the customer's words, so they are dropped at the end of the new text.
 */
export const CLIENT_FOOTERS: readonly RegExp[] = [
  /^Sent from (my )?[\w .-]{1,40}$/i,
  /^Sent with Proton Mail\b.{0,40}$/i,
  /^Get Outlook for (iOS|Android)\b.{0,60}$/i,
  /^Von meine[mr] [\w .-]{1,40} gesendet\.?$/i,
  /^Gesendet (von|mit|aus) .{1,50}$/i,
  /^Outlook für (iOS|Android) beziehen\b.{0,60}$/i,
  /^Envoyé (de|depuis|à partir de) (mon |ma )?[\w .-]{1,50}$/i,
  /^Télécharger Outlook pour (iOS|Android)\b.{0,60}$/i,
  /^Enviado (desde|con) (mi )?[\w .-]{1,50}$/i,
  /^Obtener Outlook para (iOS|Android)\b.{0,60}$/i,
  /^Inviato (da|dal mio|con) [\w .-]{1,50}$/i,
  /^Scarica Outlook per (iOS|Android)\b.{0,60}$/i,
  /^Отправлено (с|из) .{1,60}$/i,
  /^Получить Outlook для (iOS|Android)\b.{0,60}$/i,
  /^.{1,30}から送信(されました)?$/,
  /^.{0,10}Outlook.{0,10}を入手.{0,60}$/,
];
