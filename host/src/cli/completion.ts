import type { Command } from 'commander';
import { hostErrors } from '../errors.js';

/** The command tree as completion needs it: each command path with its subcommands and options. */
export interface CompletionNode {
  path: string[];
  subcommands: string[];
  options: string[];
}

/** Walks the commander program (the one source: a new command or option completes without editing this file). */
export function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const options = cmd.options.flatMap((o) => [o.short, o.long].filter((x): x is string => Boolean(x)));
    options.push('--help');
    nodes.push({ path, subcommands: cmd.commands.map((c) => c.name()), options: [...new Set(options)] });
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return nodes;
}

const key = (path: string[]) => path.join(' ');

function bash(name: string, nodes: CompletionNode[]): string {
  const cases = nodes.map((n) => `    "${key(n.path)}") words="${[...n.subcommands, ...n.options].join(' ')}" ;;`).join('\n');
  return `# bash completion for ${name}: eval "$(${name} completion bash)" (e.g. in ~/.bashrc)
_${name}_complete() {
  local cur cmdpath="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    [[ -n "$(_${name}_words "\${cmdpath:+$cmdpath }$w")" ]] && cmdpath="\${cmdpath:+$cmdpath }$w"
  done
  COMPREPLY=( $(compgen -W "$(_${name}_words "$cmdpath")" -- "$cur") )
}
_${name}_words() {
  local words=""
  case "$1" in
${cases}
  esac
  echo "$words"
}
complete -o default -F _${name}_complete ${name}
`;
}

function zsh(name: string, nodes: CompletionNode[]): string {
  const cases = nodes.map((n) => `    "${key(n.path)}") cands=(${[...n.subcommands, ...n.options].join(' ')}) ;;`).join('\n');
  // words and path are zsh specials (the command line; PATH): the functions use other names.
  return `#compdef ${name}
# zsh completion for ${name}: eval "$(${name} completion zsh)" (after compinit, e.g. in ~/.zshrc)
_${name}() {
  local -a known
  local cmdpath="" w
  for w in \${words[2,CURRENT-1]}; do
    [[ "$w" == -* ]] && continue
    known=($(_${name}_words "\${cmdpath:+$cmdpath }$w"))
    (( \${#known} )) && cmdpath="\${cmdpath:+$cmdpath }$w"
  done
  known=($(_${name}_words "$cmdpath"))
  compadd -- $known
}
_${name}_words() {
  local -a cands
  case "$1" in
${cases}
  esac
  print -r -- $cands
}
compdef _${name} ${name}
`;
}

function fish(name: string, nodes: CompletionNode[]): string {
  const lines = [`# fish completion for ${name}: ${name} completion fish > ~/.config/fish/completions/${name}.fish`];
  for (const n of nodes) {
    // fish conditions: the words typed so far (without options) equal this command's path.
    const cond = `__${name.replace(/-/g, '_')}_path_is '${key(n.path)}'`;
    for (const sub of n.subcommands) lines.push(`complete -c ${name} -f -n "${cond}" -a ${sub}`);
    for (const o of n.options) {
      if (o.startsWith('--')) lines.push(`complete -c ${name} -f -n "${cond}" -l ${o.slice(2)}`);
      else lines.push(`complete -c ${name} -f -n "${cond}" -s ${o.slice(1)}`);
    }
  }
  // The words typed so far that name a command (options and their values skipped) must equal this command's path.
  const known = nodes
    .filter((n) => n.path.length)
    .map((n) => `'${key(n.path)}'`)
    .join(' ');
  const fn = `function __${name.replace(/-/g, '_')}_path_is
  set -l known ${known}
  set -l typed (commandline -opc)
  set -e typed[1]
  set -l cmdpath ''
  for w in $typed
    string match -q -- '-*' $w; and continue
    set -l next (string trim -- "$cmdpath $w")
    contains -- $next $known; and set cmdpath $next
  end
  test "$cmdpath" = "$argv[1]"
end`;
  return `${[lines[0], fn, ...lines.slice(1)].join('\n')}\n`;
}

/** The completion script for a shell, generated from the program. */
export function completionScript(program: Command, shell: string): string {
  const nodes = completionTree(program);
  const name = program.name();
  if (shell === 'bash') return bash(name, nodes);
  if (shell === 'zsh') return zsh(name, nodes);
  if (shell === 'fish') return fish(name, nodes);
  throw hostErrors.create('NH_REQUEST_INVALID', `no completion for shell "${shell}": choose bash, zsh or fish`);
}
