// `codestore completion`: a bash (and zsh with bashcompinit) completion script made from the
// command table: command names, then each command's options. `source <(codestore completion)`.
import type { CommandSpec } from './commands';
import type { CommandInput } from './context';

function longFlags(flags: string): string[] {
  return flags.split(/[ ,]+/).filter((f) => f.startsWith('--'));
}

/** The script for these commands (the command table passes itself: this module imports no command). */
export function completionScript(COMMANDS: readonly CommandSpec[], PLATFORM_COMMAND: { name: string }): string {
  const names = [...COMMANDS.map((c) => c.name), PLATFORM_COMMAND.name, 'help'];
  const cases = COMMANDS.map((c) => {
    const flags = [
      ...(c.options ?? []).flatMap((o) => longFlags(o.flags)),
      ...(c.json === false ? [] : ['--json']),
      ...(c.remote ? ['--platform'] : []),
      '--help',
    ];
    return `    ${c.name}) opts="${flags.join(' ')}" ;;`;
  });
  return `# codestore completion for bash: source <(codestore completion)   (zsh: autoload bashcompinit && bashcompinit first)
_codestore() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts
  # Command names have colons, which bash splits words at: read the line itself.
  local words; read -r -a words <<< "\${COMP_LINE:0:\${COMP_POINT:-\${#COMP_LINE}}}"
  [[ "\${COMP_LINE:0:\${COMP_POINT:-\${#COMP_LINE}}}" == *" " ]] && words+=("")
  cur="\${words[\${#words[@]}-1]}"
  if [ "\${#words[@]}" -le 2 ]; then
    opts="${names.join(' ')} --version --help"
  else
    case "\${words[1]}" in
${cases.join('\n')}
    help) opts="${COMMANDS.map((c) => c.name).join(' ')}" ;;
    *) opts="" ;;
    esac
  fi
  local matches=($(compgen -W "$opts" -- "$cur"))
  # bash replaces only the part after the last colon of the word.
  if [[ "$cur" == *:* ]]; then
    local prefix="\${cur%"\${cur##*:}"}"
    matches=("\${matches[@]#"$prefix"}")
  fi
  COMPREPLY=("\${matches[@]}")
}
complete -o default -F _codestore codestore cs
`;
}

export async function completion(_input: CommandInput, commands: readonly CommandSpec[], platform: { name: string }): Promise<number> {
  process.stdout.write(completionScript(commands, platform));
  return 0;
}
