// SPDX-License-Identifier: Apache-2.0
#include "src/cli/generate.hpp"

#include <sstream>
#include <vector>

namespace legacyscan::cli {

namespace {

// What the generators need of one option, read from CLI11.
struct OptionInfo {
  std::vector<std::string> names;  // "-o", "--output"; empty for a positional
  std::string positional;          // "targets"
  std::string metavar;             // "FILE", "FORMAT" ("" for a flag)
  std::vector<std::string> choices;
  std::string help;
  std::string default_value;
  bool flag = false;
  bool many = false;  // positional taking several values
  bool file() const { return metavar == "FILE"; }
};

std::vector<std::string> split_choices(const std::string& set) {  // "{a,b,c}"
  std::vector<std::string> out;
  std::string item;
  for (char c : set.substr(1, set.size() - 2)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  if (!item.empty()) out.push_back(item);
  return out;
}

std::vector<OptionInfo> options_of(const CLI::App& cmd) {
  std::vector<OptionInfo> out;
  for (const auto* o : cmd.get_options()) {
    if (o == cmd.get_help_ptr() || o->get_group().empty()) continue;  // --help; hidden options
    OptionInfo info;
    for (const auto& s : o->get_snames()) info.names.push_back("-" + s);
    for (const auto& l : o->get_lnames()) info.names.push_back("--" + l);
    if (info.names.empty()) info.positional = o->get_name();
    info.flag = o->get_expected_min() == 0;
    info.many = info.names.empty() && o->get_expected_max() > 1;
    // "FORMAT:{table,json}": the value name, then the choices of its check.
    const std::string type = info.flag ? std::string() : o->get_type_name();
    const auto brace = type.find('{');
    info.metavar = type.substr(0, brace == std::string::npos ? type.size() : (brace > 0 ? brace - 1 : 0));
    if (brace != std::string::npos) info.choices = split_choices(type.substr(brace));
    if (brace == 0) info.metavar = "VALUE";
    info.help = o->get_description();
    info.default_value = o->get_default_str();
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<const CLI::App*> subcommands_of(const CLI::App& cmd) {
  std::vector<const CLI::App*> out;
  for (const auto* s : cmd.get_subcommands([](const CLI::App*) { return true; })) out.push_back(s);
  return out;
}

std::string joined(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// --- man(7) --------------------------------------------------------------------------------------

std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
    line_start = c == '\n';
  }
  return out;
}

void man_options(std::ostream& out, const CLI::App& cmd) {
  for (const auto& o : options_of(cmd)) {
    out << ".TP\n";
    if (o.names.empty()) {
      out << "\\fI" << roff(o.metavar.empty() ? o.positional : o.metavar) << "\\fR" << (o.many ? "..." : "") << "\n";
    } else {
      std::vector<std::string> names;
      for (const auto& n : o.names) names.push_back("\\fB" + roff(n) + "\\fR");
      out << joined(names, ", ") << (o.flag ? "" : " \\fI" + roff(o.metavar) + "\\fR") << "\n";
    }
    out << roff(o.help);
    if (!o.choices.empty()) out << " (" << roff(joined(o.choices, ", ")) << ")";
    if (!o.default_value.empty()) out << " (default: " << roff(o.default_value) << ")";
    out << "\n";
  }
}

void man_command(std::ostream& out, const CLI::App& cmd, const std::string& path) {
  std::string synopsis = path;
  for (const auto& o : options_of(cmd))
    if (o.names.empty()) synopsis += " " + (o.metavar.empty() ? o.positional : o.metavar) + (o.many ? "..." : "");
  out << ".SS \"" << roff(synopsis) << "\"\n" << roff(cmd.get_description()) << "\n";
  man_options(out, cmd);
  if (!cmd.get_footer().empty()) out << ".PP\n.nf\n" << roff(cmd.get_footer()) << "\n.fi\n";
  for (const auto* s : subcommands_of(cmd)) man_command(out, *s, path + " " + s->get_name());
}

// --- bash ---------------------------------------------------------------------------------------

void bash_values(std::ostream& out, const std::vector<OptionInfo>& options, const std::string& indent) {
  for (const auto& o : options) {
    if (o.names.empty() || o.flag) continue;
    out << indent << joined(o.names, "|") << ") ";
    if (!o.choices.empty())
      out << "COMPREPLY=($(compgen -W \"" << joined(o.choices, " ") << "\" -- \"$cur\"))";
    else if (o.file())
      out << "COMPREPLY=($(compgen -f -- \"$cur\"))";
    else
      out << "COMPREPLY=()";
    out << "; return ;;\n";
  }
}

void bash_command(std::ostream& out, const CLI::App& cmd) {
  const auto options = options_of(cmd);
  std::vector<std::string> words;
  for (const auto& o : options)
    for (const auto& n : o.names) words.push_back(n);
  words.push_back("--help");
  std::vector<std::string> subcommands;
  for (const auto* s : subcommands_of(cmd)) subcommands.push_back(s->get_name());
  bool files = false;
  for (const auto& o : options) files = files || (o.names.empty() && o.file());
  out << "    " << cmd.get_name() << ")\n      case \"$prev\" in\n";
  bash_values(out, options, "        ");
  out << "      esac\n";
  out << "      if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"" << joined(words, " ")
      << "\" -- \"$cur\"))\n";
  out << "      else\n        COMPREPLY=($(compgen " << (files ? "-f " : "") << "-W \"" << joined(subcommands, " ")
      << "\" -- \"$cur\"))\n      fi\n      return ;;\n";
}

// --- zsh ----------------------------------------------------------------------------------------

std::string zsh_quote(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else if (c == '[' || c == ']' || c == ':' || c == '\\')
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out;
}

std::string zsh_action(const OptionInfo& o) {
  if (!o.choices.empty()) return "(" + joined(o.choices, " ") + ")";
  return o.file() ? "_files" : " ";
}

void zsh_command(std::ostream& out, const CLI::App& cmd) {
  out << "    " << cmd.get_name() << ")\n      _arguments -s \\\n";
  for (const auto& o : options_of(cmd)) {
    if (o.names.empty()) {
      out << "        '" << (o.many ? "*" : "1") << ":" << zsh_quote(o.metavar.empty() ? o.positional : o.metavar)
          << ":" << zsh_action(o) << "' \\\n";
      continue;
    }
    const std::string spec =
        "[" + zsh_quote(o.help) + "]" + (o.flag ? "" : ":" + zsh_quote(o.metavar) + ":" + zsh_action(o));
    if (o.names.size() == 1) {
      out << "        '" << o.names[0] << spec << "' \\\n";
    } else {
      out << "        '(" << joined(o.names, " ") << ")'{" << joined(o.names, ",") << "}'" << spec << "' \\\n";
    }
  }
  const auto subs = subcommands_of(cmd);
  if (!subs.empty()) {
    std::vector<std::string> names;
    for (const auto* s : subs) names.push_back(s->get_name());
    out << "        '1:command:(" << joined(names, " ") << ")' \\\n";
  }
  out << "        '(- *)--help[Print this help message and exit]'\n      ;;\n";
}

// --- fish ---------------------------------------------------------------------------------------

std::string fish_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void fish_command(std::ostream& out, const CLI::App& cmd, const std::string& condition) {
  for (const auto& o : options_of(cmd)) {
    if (o.names.empty()) {
      if (o.file()) out << "complete -c legacyscan -n " << fish_quote(condition) << " -F\n";
      continue;
    }
    out << "complete -c legacyscan -n " << fish_quote(condition);
    for (const auto& n : o.names) out << (n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1));
    if (!o.flag) out << (o.file() ? " -r -F" : " -x");
    if (!o.choices.empty()) out << " -a " << fish_quote(joined(o.choices, " "));
    out << " -d " << fish_quote(o.help) << "\n";
  }
  for (const auto* s : subcommands_of(cmd)) {
    out << "complete -c legacyscan -n " << fish_quote(condition) << " -a " << s->get_name() << " -d "
        << fish_quote(s->get_description()) << "\n";
    fish_command(out, *s, condition + "; and __fish_seen_subcommand_from " + s->get_name());
  }
}

}  // namespace

std::string generate_man_page(const CLI::App& app) {
  std::ostringstream out;
  out << ".\\\" Generated by legacyscan --generate man from the options of this binary. Do not edit.\n";
  out << ".TH LEGACYSCAN 1 \"\" \"legacyscan " << LEGACYSCAN_VERSION << "\" \"User Commands\"\n";
  // "legacyscan: which legacy protocols ... still accepts"
  const std::string summary = app.get_description().substr(app.get_description().find(": ") + 2);
  out << ".SH NAME\nlegacyscan \\- " << roff(summary) << "\n";
  out << ".SH SYNOPSIS\n.B legacyscan\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n.br\n"
      << ".B legacyscan help\n[\\fICOMMAND\\fR]\n.br\n.B legacyscan\n\\fB\\-V\\fR | \\fB\\-\\-version\\fR\n";
  out << ".SH DESCRIPTION\n.B legacyscan\nshows " << roff(summary) << ".\n";
  out << ".SH COMMANDS\n";
  for (const auto* s : subcommands_of(app)) man_command(out, *s, "legacyscan " + s->get_name());
  out << ".SH EXAMPLES\n.nf\n" << roff(app.get_footer()) << "\n.fi\n";
  out << ".SH SEE ALSO\nThe README and docs/ of the legacyscan sources.\n";
  return out.str();
}

std::string generate_bash_completion(const CLI::App& app) {
  std::ostringstream out;
  std::vector<std::string> commands;
  for (const auto* s : subcommands_of(app)) commands.push_back(s->get_name());
  out << "# bash completion for legacyscan. Generated by legacyscan --generate bash. Do not edit.\n";
  out << "_legacyscan() {\n  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=\"\" i\n";
  out << "  for ((i = 1; i < COMP_CWORD; i++)); do\n    case ${COMP_WORDS[i]} in\n      " << joined(commands, "|")
      << ") cmd=${COMP_WORDS[i]}; break ;;\n    esac\n  done\n";
  out << "  case \"$cmd\" in\n    \"\")\n      COMPREPLY=($(compgen -W \"" << joined(commands, " ")
      << " help --help -V --version\" -- \"$cur\"))\n      return ;;\n";
  for (const auto* s : subcommands_of(app)) bash_command(out, *s);
  out << "  esac\n}\ncomplete -F _legacyscan legacyscan\n";
  return out.str();
}

std::string generate_zsh_completion(const CLI::App& app) {
  std::ostringstream out;
  out << "#compdef legacyscan\n# zsh completion for legacyscan. Generated by legacyscan --generate zsh. Do not edit.\n";
  out << "_legacyscan() {\n  local -a commands\n  commands=(\n";
  for (const auto* s : subcommands_of(app))
    out << "    '" << s->get_name() << ":" << zsh_quote(s->get_description()) << "'\n";
  out << "    'help:Print the help of a command'\n  )\n";
  out << "  if (( CURRENT == 2 )); then\n    _describe -t commands command commands\n    return\n  fi\n";
  out << "  words=(\"${words[@]:1}\")\n  (( CURRENT-- ))\n  case $words[1] in\n";
  for (const auto* s : subcommands_of(app)) zsh_command(out, *s);
  out << "    help)\n      _describe -t commands command commands\n      ;;\n  esac\n}\n";
  out << "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n  _legacyscan \"$@\"\nelse\n"
      << "  compdef _legacyscan legacyscan\nfi\n";
  return out.str();
}

std::string generate_fish_completion(const CLI::App& app) {
  std::ostringstream out;
  out << "# fish completion for legacyscan. Generated by legacyscan --generate fish. Do not edit.\n";
  out << "complete -c legacyscan -f\n";
  out << "complete -c legacyscan -n __fish_use_subcommand -s V -l version -d 'Print the version and exit'\n";
  out << "complete -c legacyscan -n __fish_use_subcommand -a help -d 'Print the help of a command'\n";
  for (const auto* s : subcommands_of(app)) {
    out << "complete -c legacyscan -n __fish_use_subcommand -a " << s->get_name() << " -d "
        << fish_quote(s->get_description()) << "\n";
    fish_command(out, *s, "__fish_seen_subcommand_from " + s->get_name());
  }
  return out.str();
}

std::string generate(const CLI::App& app, const std::string& kind) {
  if (kind == "man") return generate_man_page(app);
  if (kind == "bash") return generate_bash_completion(app);
  if (kind == "zsh") return generate_zsh_completion(app);
  if (kind == "fish") return generate_fish_completion(app);
  return {};
}

}  // namespace legacyscan::cli
