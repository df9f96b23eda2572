// Made from the command tree itself, so every command and option completes (zsh via bashcompinit).
import { Argument, Command } from 'commander';
import { examples } from './common.ts';

export function completionTable(root: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (command: Command, path: string) => {
    const words = [
      ...command.commands.map((c) => c.name()),
      ...command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)),
      '--help',
    ];
    table.set(path, words);
    for (const sub of command.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(root, '');
  return table;
}

export function bashScript(root: Command): string {
  const cases = [...completionTable(root)]
    .map(([path, words]) => `    "${path}") words="${words.join(' ')}" ;;`)
    .join('\n');
  return `# bss completion (bash): source <(bss completion bash)
_bss_complete() {
  local path="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "\${path:+$path }$word" in
${[...completionTable(root).keys()]
  .filter((p) => p !== '')
  .map((p) => `      "${p}") path="${p}" ;;`)
  .join('\n')}
    esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _bss_complete bss
`;
}

export function completionCommand(root: Command): Command {
  const command = new Command('completion')
    .description('print a shell completion script for bss')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: string) => {
      const bash = bashScript(root);
      process.stdout.write(
        shell === 'zsh'
          ? `# bss completion (zsh): source <(bss completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash}`
          : bash,
      );
    });
  return examples(
    command,
    'bss completion bash > ~/.local/share/bash-completion/completions/bss',
    'source <(bss completion bash)        # this shell only',
    'echo "source <(bss completion zsh)" >> ~/.zshrc',
  );
}
