/** Local parts that name a mailbox, not a person. */
const ROLE_ACCOUNTS = new Set(['support', 'help', 'helpdesk', 'admin', 'noreply', 'info', 'team', 'agent']);

/**
 * How an agent signs a customer mail: the first word of their address's local part, capitalised
 * (`dana.smith@support.example` → `Dana`), so requesters see a person but never an internal address;
 * `Support` when that word is not a plausible name (digits, one letter, a role account).
 */
export function agentDisplayName(author: string): string {
  const local = author.trim().split('@')[0] ?? '';
  const word = local.split(/[.+_-]/)[0] ?? '';
  const mailbox = (local.split('+')[0] ?? '').replace(/[._-]/g, '').toLowerCase();
  const role = ROLE_ACCOUNTS.has(word.toLowerCase()) || ROLE_ACCOUNTS.has(mailbox);
  if (role || !/^\p{L}{2,}$/u.test(word)) return 'Support';
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
