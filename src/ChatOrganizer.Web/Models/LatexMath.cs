using System.Text;
using System.Text.RegularExpressions;

namespace ChatOrganizer.Web.Models;

// Math in the answers. ChatGPT writes it as LaTeX between \( \) and \[ \] (the $ forms too, less often) and typesets
// it; CommonMark reads "\(" as an escaped "(", so the formula came out as "( E[|x-y|] = \int_0^1 ... )". The
// delimiters become Markdig's $ forms before parsing, and each formula is shown in a readable Unicode rendering
// (∫₀¹, 1/3, x², α) with its LaTeX as the tooltip, since this page ships no typesetting library.
public static partial class LatexMath
{
    // \( … \) and \[ … \] as $…$ and $$…$$, outside code blocks and code spans.
    public static string ToDollars(string markdown)
    {
        if (!markdown.Contains("\\(", StringComparison.Ordinal) && !markdown.Contains("\\[", StringComparison.Ordinal)) return markdown;
        var lines = markdown.Split('\n');
        string? fence = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal)) fence = null;
                continue;
            }
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                fence = trimmed[..3];
                continue;
            }
            if (trimmed is "\\[" or "\\]")
            {
                lines[i] = lines[i].Replace(trimmed, "$$", StringComparison.Ordinal);
                continue;
            }
            lines[i] = OutsideCodeSpans(lines[i]);
        }
        return string.Join('\n', lines);
    }

    // The formula as a person can read it without a typesetter: symbols as Unicode, \frac{a}{b} as a/b, small
    // superscripts and subscripts as ², ₀, the rest as written.
    public static string Readable(string latex)
    {
        var output = new StringBuilder(latex.Length);
        var i = 0;
        Append(output, latex, ref i, stopAt: null);
        return Whitespace().Replace(output.ToString(), " ").Trim();
    }

    private static string OutsideCodeSpans(string line)
    {
        if (!line.Contains("\\(", StringComparison.Ordinal) && !line.Contains("\\[", StringComparison.Ordinal)) return line;
        var parts = line.Split('`');
        // Even parts are outside code spans (a run of backticks opens and closes one).
        for (var p = 0; p < parts.Length; p += 2)
        {
            // "\[1\]" in prose is an escaped bracket; a formula has an operator or a command in it.
            parts[p] = InlineDisplay().Replace(parts[p], m => m.Groups[1].Value.IndexOfAny(['\\', '^', '_', '=']) >= 0 ? $"$${m.Groups[1].Value.Trim()}$$" : m.Value);
            parts[p] = Inline().Replace(parts[p], m => $"${m.Groups[1].Value.Trim()}$");
        }
        return string.Join('`', parts);
    }

    private static void Append(StringBuilder output, string s, ref int i, char? stopAt)
    {
        while (i < s.Length)
        {
            var c = s[i];
            if (c == stopAt) return;
            switch (c)
            {
                case '\\':
                    Command(output, s, ref i);
                    break;
                case '{':
                    output.Append(Group(s, ref i));
                    break;
                case '^' or '_':
                    i++;
                    var script = i < s.Length && s[i] == '{' ? Group(s, ref i) : Atom(s, ref i);
                    output.Append(Script(script, superscript: c == '^'));
                    break;
                default:
                    output.Append(c);
                    i++;
                    break;
            }
        }
    }

    private static void Command(StringBuilder output, string s, ref int i)
    {
        i++;
        if (i >= s.Length) return;
        if (!char.IsAsciiLetter(s[i]))
        {
            output.Append(s[i] switch { ',' or ':' or ';' or ' ' => " ", '!' => "", '\\' => "\n", var other => other.ToString() });
            i++;
            return;
        }
        var start = i;
        while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
        var name = s[start..i];
        switch (name)
        {
            case "frac" or "dfrac" or "tfrac":
                var top = Argument(s, ref i);
                var bottom = Argument(s, ref i);
                output.Append(Simple(top) ? top : $"({top})").Append('/').Append(Simple(bottom) ? bottom : $"({bottom})");
                break;
            case "sqrt":
                SkipSpaces(s, ref i);
                var degree = "";
                if (i < s.Length && s[i] == '[')
                {
                    var close = s.IndexOf(']', i);
                    if (close > i)
                    {
                        degree = Script(Readable(s[(i + 1)..close]), superscript: true);
                        i = close + 1;
                    }
                }
                var radicand = Argument(s, ref i);
                output.Append(degree).Append('√').Append(Simple(radicand) ? radicand : $"({radicand})");
                break;
            case "mathbb":
                output.Append(string.Concat(Argument(s, ref i).Select(ch => DoubleStruck.TryGetValue(ch, out var struck) ? struck : ch.ToString())));
                break;
            case "text" or "textrm" or "textbf" or "textit" or "mathrm" or "mathbf" or "mathit" or "mathsf" or "mathtt" or "operatorname" or "boldsymbol":
                output.Append(Argument(s, ref i));
                break;
            case "left" or "right" or "big" or "Big" or "bigg" or "Bigg" or "displaystyle":
                SkipSpaces(s, ref i);
                if (i < s.Length && s[i] == '.') i++;
                break;
            default:
                output.Append(Symbols.TryGetValue(name, out var symbol) ? symbol : "\\" + name);
                break;
        }
    }

    private static string Argument(string s, ref int i)
    {
        SkipSpaces(s, ref i);
        return i < s.Length && s[i] == '{' ? Group(s, ref i) : Atom(s, ref i);
    }

    // {…} read and rendered, i past its closing brace.
    private static string Group(string s, ref int i)
    {
        i++;
        var inner = new StringBuilder();
        Append(inner, s, ref i, stopAt: '}');
        if (i < s.Length) i++;
        return inner.ToString();
    }

    // One character or one \command, rendered.
    private static string Atom(string s, ref int i)
    {
        if (i >= s.Length) return "";
        if (s[i] != '\\') return s[i++].ToString();
        var one = new StringBuilder();
        Command(one, s, ref i);
        return one.ToString();
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && s[i] == ' ') i++;
    }

    private static bool Simple(string text) => text.Length > 0 && text.All(ch => char.IsLetterOrDigit(ch) || ch is '.' || Superscripts.ContainsValue(ch) || Subscripts.ContainsValue(ch));

    private static string Script(string text, bool superscript)
    {
        var map = superscript ? Superscripts : Subscripts;
        if (text.Length > 0 && text.All(map.ContainsKey)) return string.Concat(text.Select(ch => map[ch]));
        var mark = superscript ? '^' : '_';
        return text.Length == 1 ? $"{mark}{text}" : $"{mark}({text})";
    }

    private static readonly Dictionary<char, char> Superscripts = new()
    {
        ['0'] = '⁰', ['1'] = '¹', ['2'] = '²', ['3'] = '³', ['4'] = '⁴', ['5'] = '⁵', ['6'] = '⁶', ['7'] = '⁷', ['8'] = '⁸', ['9'] = '⁹',
        ['+'] = '⁺', ['-'] = '⁻', ['='] = '⁼', ['('] = '⁽', [')'] = '⁾', ['n'] = 'ⁿ', ['i'] = 'ⁱ', ['T'] = 'ᵀ', ['*'] = '*', ['′'] = '′',
    };

    private static readonly Dictionary<char, char> Subscripts = new()
    {
        ['0'] = '₀', ['1'] = '₁', ['2'] = '₂', ['3'] = '₃', ['4'] = '₄', ['5'] = '₅', ['6'] = '₆', ['7'] = '₇', ['8'] = '₈', ['9'] = '₉',
        ['+'] = '₊', ['-'] = '₋', ['='] = '₌', ['('] = '₍', [')'] = '₎', ['a'] = 'ₐ', ['e'] = 'ₑ', ['o'] = 'ₒ', ['x'] = 'ₓ', ['i'] = 'ᵢ',
        ['j'] = 'ⱼ', ['k'] = 'ₖ', ['n'] = 'ₙ', ['m'] = 'ₘ', ['t'] = 'ₜ',
    };

    private static readonly Dictionary<char, string> DoubleStruck = new()
    {
        ['R'] = "ℝ", ['N'] = "ℕ", ['Z'] = "ℤ", ['Q'] = "ℚ", ['C'] = "ℂ", ['P'] = "ℙ", ['E'] = "𝔼",
    };

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["alpha"] = "α", ["beta"] = "β", ["gamma"] = "γ", ["delta"] = "δ", ["epsilon"] = "ε", ["varepsilon"] = "ε", ["zeta"] = "ζ",
        ["eta"] = "η", ["theta"] = "θ", ["vartheta"] = "ϑ", ["iota"] = "ι", ["kappa"] = "κ", ["lambda"] = "λ", ["mu"] = "μ", ["nu"] = "ν",
        ["xi"] = "ξ", ["pi"] = "π", ["rho"] = "ρ", ["sigma"] = "σ", ["tau"] = "τ", ["upsilon"] = "υ", ["phi"] = "φ", ["varphi"] = "φ",
        ["chi"] = "χ", ["psi"] = "ψ", ["omega"] = "ω", ["Gamma"] = "Γ", ["Delta"] = "Δ", ["Theta"] = "Θ", ["Lambda"] = "Λ", ["Xi"] = "Ξ",
        ["Pi"] = "Π", ["Sigma"] = "Σ", ["Phi"] = "Φ", ["Psi"] = "Ψ", ["Omega"] = "Ω",
        ["times"] = "×", ["cdot"] = "·", ["div"] = "÷", ["pm"] = "±", ["mp"] = "∓", ["ast"] = "∗", ["star"] = "⋆", ["circ"] = "∘",
        ["leq"] = "≤", ["le"] = "≤", ["geq"] = "≥", ["ge"] = "≥", ["neq"] = "≠", ["ne"] = "≠", ["approx"] = "≈", ["equiv"] = "≡",
        ["sim"] = "∼", ["simeq"] = "≃", ["propto"] = "∝", ["ll"] = "≪", ["gg"] = "≫",
        ["infty"] = "∞", ["int"] = "∫", ["iint"] = "∬", ["iiint"] = "∭", ["oint"] = "∮", ["sum"] = "∑", ["prod"] = "∏",
        ["partial"] = "∂", ["nabla"] = "∇", ["in"] = "∈", ["notin"] = "∉", ["ni"] = "∋", ["subset"] = "⊂", ["subseteq"] = "⊆",
        ["supset"] = "⊃", ["supseteq"] = "⊇", ["cup"] = "∪", ["cap"] = "∩", ["setminus"] = "∖", ["emptyset"] = "∅", ["varnothing"] = "∅",
        ["forall"] = "∀", ["exists"] = "∃", ["neg"] = "¬", ["lnot"] = "¬", ["land"] = "∧", ["wedge"] = "∧", ["lor"] = "∨", ["vee"] = "∨",
        ["to"] = "→", ["rightarrow"] = "→", ["leftarrow"] = "←", ["gets"] = "←", ["leftrightarrow"] = "↔", ["Rightarrow"] = "⇒",
        ["Leftarrow"] = "⇐", ["Leftrightarrow"] = "⇔", ["iff"] = "⇔", ["implies"] = "⇒", ["mapsto"] = "↦",
        ["ldots"] = "…", ["dots"] = "…", ["cdots"] = "⋯", ["vdots"] = "⋮", ["ddots"] = "⋱", ["prime"] = "′", ["degree"] = "°",
        ["angle"] = "∠", ["perp"] = "⊥", ["parallel"] = "∥", ["mid"] = "|", ["vert"] = "|", ["Vert"] = "‖", ["lvert"] = "|", ["rvert"] = "|",
        ["langle"] = "⟨", ["rangle"] = "⟩", ["lfloor"] = "⌊", ["rfloor"] = "⌋", ["lceil"] = "⌈", ["rceil"] = "⌉",
        ["quad"] = " ", ["qquad"] = " ", ["hbar"] = "ℏ", ["ell"] = "ℓ", ["Re"] = "ℜ", ["Im"] = "ℑ",
        ["lim"] = "lim", ["log"] = "log", ["ln"] = "ln", ["exp"] = "exp", ["sin"] = "sin", ["cos"] = "cos", ["tan"] = "tan",
        ["max"] = "max", ["min"] = "min", ["det"] = "det", ["mod"] = "mod", ["bmod"] = "mod",
    };

    [GeneratedRegex(@"\\\[(.+?)\\\]")]
    private static partial Regex InlineDisplay();

    [GeneratedRegex(@"\\\((.+?)\\\)")]
    private static partial Regex Inline();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Whitespace();
}
