// Hostile values for site fields: what a careless paste, a malicious file or a confused editor
// puts there. Each must either be refused by the site checks or reach a host byte for byte.
export const HOSTILE_VALUES: { label: string; value: string }[] = [
  { label: 'command substitution', value: '$(touch /tmp/rb-pwned)' },
  { label: 'backticks', value: '`touch /tmp/rb-pwned`' },
  { label: 'semicolon', value: 'a; touch /tmp/rb-pwned' },
  { label: 'and-and', value: 'a && touch /tmp/rb-pwned' },
  { label: 'pipe', value: 'a | tee /tmp/rb-pwned' },
  { label: 'redirect', value: 'a > /tmp/rb-pwned' },
  { label: 'single quote', value: "it's" },
  { label: 'quote breakout', value: "'; touch /tmp/rb-pwned; echo '" },
  { label: 'double quote breakout', value: '"; touch /tmp/rb-pwned; echo "' },
  { label: 'variable reference', value: '${HOME}$PATH' },
  { label: 'site variable reference', value: '${CLOUD_DB_PASSWORD}' },
  { label: 'glob', value: '* ? [a-z]' },
  { label: 'backslashes', value: 'a\\nb\\\\c\\' },
  { label: 'newline', value: 'first\nsecond' },
  { label: 'newline with command', value: 'x\ntouch /tmp/rb-pwned' },
  { label: 'carriage return', value: 'a\rb' },
  { label: 'tab', value: 'a\tb' },
  { label: 'leading dash', value: '-rf' },
  { label: 'leading and trailing spaces', value: '  padded  ' },
  { label: 'fullwidth letters', value: 'ＺＯＮＥ１' },
  { label: 'cyrillic look-alike', value: 'Zоnе1' },
  { label: 'right-to-left override', value: 'zone\u202egnp.exe' },
  { label: 'zero-width joiner', value: 'zo\u200dne' },
  { label: 'emoji', value: 'zone-☁️-1' },
  { label: 'very long', value: 'z'.repeat(5000) },
  { label: 'very long with metacharacters', value: '$(x);`y`|'.repeat(400) },
  { label: 'percent format', value: '%s%n%x' },
  { label: 'ansi escape', value: '\u001b[31mred\u001b[0m' },
  { label: 'nul byte', value: 'a\u0000b' },
];

/** YAML-level tricks: the text goes into the file as is (not quoted by a YAML writer). */
export const HOSTILE_YAML: { label: string; text: string }[] = [
  { label: 'anchor and alias', text: 'name: &a hostile\nzone: { name: *a }\n' },
  { label: 'merge key', text: 'base: &b { name: Z }\nzone: { <<: *b }\n' },
  { label: 'billion laughs', text: 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nname: *f\n' },
  { label: 'js function tag', text: 'name: !!js/function "function(){ require(\'fs\').writeFileSync(\'/tmp/rb-pwned\', \'x\') }"\n' },
  { label: 'python object tag', text: 'name: !!python/object/apply:os.system ["touch /tmp/rb-pwned"]\n' },
  { label: 'binary tag', text: 'name: !!binary aGVsbG8=\n' },
  { label: 'custom tag', text: 'name: !shell touch /tmp/rb-pwned\n' },
  { label: 'integer name', text: 'name: 0x1F\n' },
  { label: 'boolean zone', text: 'zone: { name: yes }\n' },
  { label: 'null name', text: 'name: ~\n' },
  { label: 'duplicate keys', text: 'name: a\nname: b\n' },
  { label: 'document separator', text: 'name: a\n---\nname: b\n' },
  { label: 'set tag', text: 'name: !!set { a, b }\n' },
  { label: 'timestamp', text: 'name: 2001-12-14t21:59:43.10-05:00\n' },
];

/** Site fields whose value reaches a step's environment, with the variable that carries it. */
export const STRING_FIELDS: { path: string[]; variable: string }[] = [
  { path: ['name'], variable: 'SITE_NAME' },
  { path: ['zone', 'name'], variable: 'ZONE_NAME' },
  { path: ['zone', 'podName'], variable: 'POD_NAME' },
  { path: ['zone', 'clusterName'], variable: 'CLUSTER_NAME' },
  { path: ['zone', 'physicalNetworkName'], variable: 'PHYSICAL_NETWORK_NAME' },
  { path: ['network', 'domain'], variable: 'DOMAIN' },
  { path: ['network', 'interface'], variable: 'INTERFACE' },
  { path: ['management', 'hostname'], variable: 'MGMT_HOSTNAME' },
  { path: ['storage', 'primary'], variable: 'PRIMARY_EXPORT' },
  { path: ['storage', 'secondary'], variable: 'SECONDARY_EXPORT' },
  { path: ['cloudstack', 'repository'], variable: 'CLOUDSTACK_REPOSITORY' },
  { path: ['cloudstack', 'mysqlRepository'], variable: 'MYSQL_REPOSITORY' },
  { path: ['zone', 'public'], variable: 'PUBLIC_START' },
  { path: ['network', 'gateway'], variable: 'GATEWAY' },
];

/** Odd but plausible values that some fields accept: they must reach the host unchanged. */
export const TOLERATED_VALUES: { label: string; value: string }[] = [
  { label: 'spaces', value: 'Zone 1' },
  { label: 'double space', value: 'a  b' },
  { label: 'dots and dashes', value: 'Zone_1-a.b' },
  { label: 'URL with command substitution', value: 'http://mirror.example/$(touch /tmp/rb-pwned)' },
  { label: 'URL with backticks', value: 'https://mirror.example/deb?x=`touch /tmp/rb-pwned`' },
  { label: 'URL with quotes', value: "http://mirror.example/it's/\"q\"" },
  { label: 'URL with variable', value: 'http://mirror.example/${CLOUD_DB_PASSWORD}/$HOME' },
];
