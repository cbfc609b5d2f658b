using System.Text.RegularExpressions;

namespace ChatOrganizer.Categorization.Offline;

// What a conversation's opening looks like, whatever its words: pasted code or a stack trace, a role the model is asked to
// play, a pasted text to rewrite, summarise or translate, a question about what something is. Each cue is 0 to 1 and
// points at topics of the inventory (Points); the category set decides which of its categories those topics
// are. The digest collapses white space, so indentation is not a cue; braces, calls, identifiers and traces still are.
internal static partial class TextShape
{
    public const int Cues = 4;

    // The inventory topics (Topics.txt) each cue (ShapeCues' order) speaks for, or against: code is a
    // developer's, and technical support is a user's problem, "not writing code".
    public static readonly (int Cue, string Topic, float Sign)[] Points =
    [
        (0, "programming", 1),
        (0, "technical support", -1),
        (1, "creative", 1),
        (2, "writing", 1),
        (3, "learning", 1),
    ];

    // A pasted text this long is what a rewrite, a summary or a translation works on, not a request about a subject.
    private const int PastedTextWords = 60;
    private const int PastedTextCharacters = 120; // Han, kana and Hangul, which put no spaces between words

    // Code tokens at which the cue is about two thirds sure (1 - 1/e): a line of code, or a few identifiers.
    private const float CodeTokensScale = 4;

    public static ShapeCues Read(string title, string text)
    {
        var user = new List<string>();
        var answers = new List<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("Assistant:", StringComparison.Ordinal)) answers.Add(line[10..]);
            else user.Add(line.StartsWith("User:", StringComparison.Ordinal) ? line[5..] : line);
        }
        var asked = string.Join(' ', user);
        var first = user.Count > 0 ? user[0] : "";

        // The answer's code counts half: ChatGPT answers a programming question with code, but also shows a formula.
        var code = CodeTokens(title) + CodeTokens(asked) + 0.5f * answers.Sum(CodeTokens);
        var rolePlay = RolePlay().IsMatch(first) || RolePlayTitle().IsMatch(title) ? 1f : 0f;
        var rewrite = Rewrite().IsMatch(first) || Rewrite().IsMatch(title) ? (IsPastedText(first) ? 1f : 0.3f) : 0f;
        if (Compose().IsMatch(first)) rewrite = Math.Max(rewrite, 0.6f);
        var question = Question().IsMatch(first) || Question().IsMatch(title) ? 1f : 0f;
        return new ShapeCues(1 - MathF.Exp(-code / CodeTokensScale), rolePlay, rewrite, question);
    }

    // The cue in a reason's words.
    public static string Describe(int cue) => cue switch
    {
        0 => "looks like code",
        1 => "asks for a role-play",
        2 => "a text to write, rewrite, summarise or translate",
        _ => "asks what something is or why",
    };

    // Tokens only code writes: punctuation of code, calls, identifiers of code, file names, traces, SQL.
    internal static float CodeTokens(string text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        var count = 3f * Fence().Count(text) + DeveloperCommand().Count(text);
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // An exception's name or a traceback says more than any other token: a user's device problem never shows one.
            if (Trace().IsMatch(token)) count += 2;
            else if (CodePunctuation().IsMatch(token) || Call().IsMatch(token) || Identifier().IsMatch(token) || SourceFile().IsMatch(token) || Sql().IsMatch(token)) count++;
        }
        return count;
    }

    private static bool IsPastedText(string text)
    {
        var words = 0;
        var scripted = 0;
        foreach (var c in text)
        {
            if (c == ' ') words++;
            else if (ScriptSegmenter.Of(c) is Script.Han or Script.Kana or Script.Hangul) scripted++;
        }
        return words >= PastedTextWords || scripted >= PastedTextCharacters || (text.Length > 200 && QuotedText().IsMatch(text));
    }

    [GeneratedRegex("```|~~~")]
    private static partial Regex Fence();

    // A package manager or build tool at work (pip install, npm run, dotnet build): a developer's errors, not a user's.
    [GeneratedRegex(@"\b(?:pip3?|npm|npx|yarn|pnpm|conda|poetry|pipenv|gem|cargo|composer|mvn|gradle|dotnet|go|flutter|rustup|nvm) (?:install|add|run|build|get|require|update|init|test|publish|restore|new|start|serve|ci|exec)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DeveloperCommand();

    // Braces with code around them, statement ends, arrows, scope, comparison and assignment operators, tags.
    [GeneratedRegex(@"[{};]$|^[{}]|[=!<>]=|=>|->|::|\+=|&&|\|\||</|/>|\(\)|\[\]|^#include|^\$\w|^>>>|^//|^/\*|^[A-Za-z_]\w*\[\w*\]")]
    private static partial Regex CodePunctuation();

    // name( or obj.method( : a call, as prose never writes it.
    [GeneratedRegex(@"^[A-Za-z_][\w.]*[A-Za-z_\d]\(")]
    private static partial Regex Call();

    // camelCase starting low (useEffect, getElementById), snake_case, dotted members (df.groupby, os.path); brand names
    // that look like it (iPhone, macOS, eBay), abbreviations (e.g., i.e.) and web addresses (google.com) do not.
    [GeneratedRegex(@"^(?!(?:iPhone|iPad|iPod|iOS|iCloud|iMac|iTunes|macOS|eBay|iMessage|watchOS|tvOS|ePub|eSIM|iPadOS)\b)(?:[a-z]+[A-Z]\w*|[a-z]+_[a-z\d_]+|(?![\w.]*\.(?:com|org|net|io|co|uk|de|es|fr|it|jp|kr|cn|tw|gov|edu|info)$)[a-z_]\w+(?:\.[a-z_]\w+)+)[,.:;]?$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\w\.(?:py|js|jsx|ts|tsx|java|cs|cpp|cc|c|h|hpp|go|rs|rb|php|sql|sh|ipynb|kt|swift|vue|scala|dart|lua|pl|r|yaml|yml|csproj|gradle|toml)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SourceFile();

    // Exceptions and error types (TypeError:, NullPointerException), tracebacks, npm ERR!, segfaults.
    [GeneratedRegex(@"^(?:Traceback|[A-Z]\w*(?:Error|Exception)\b:?|ERR!|SIGSEGV|errno|stderr|stdout|NaN|null|undefined|None\)?)[,.:]?$")]
    private static partial Regex Trace();

    // SQL keywords as SQL writes them, in capitals.
    [GeneratedRegex(@"^(?:SELECT|FROM|WHERE|JOIN|GROUP|ORDER|INSERT|UPDATE|DELETE|CREATE|ALTER|VALUES|HAVING)$")]
    private static partial Regex Sql();

    // The model asked to be someone or something: "act as a Linux terminal", "you are now a pirate", in the six languages.
    [GeneratedRegex(@"\b(?:i want you to act|act as (?:an? |my )|pretend (?:to be|you are|you're)|you are now|from now on,? you are|role[- ]?play|stay in character|imagine you are|actúa como|actua como|finge que eres|juego de rol|haz de cuenta que eres|tu eres un|du bist jetzt|agiere als|spiel(?:e)? die rolle|rollenspiel|tu so,? als)|扮演|假装你是|你现在是|角色扮演|역할극|역할을 해|인 척|척 해줘|처럼 행동|ロールプレイ|なりきって|として振る舞|のふりをして", RegexOptions.IgnoreCase)]
    private static partial Regex RolePlay();

    [GeneratedRegex(@"role[- ]?play|roleplay|rollenspiel|juego de rol|角色扮演|역할극|ロールプレイ", RegexOptions.IgnoreCase)]
    private static partial Regex RolePlayTitle();

    // Work on a given text: rewrite, polish, shorten, summarise, translate, proofread, in the six languages.
    [GeneratedRegex(@"\b(?:rewrite|re-write|rephrase|paraphrase|reword|proofread|polish|summari[sz]e|summary of|tl;?dr|translate|translation|make (?:it|this) (?:more |less |sound )|improve (?:this|the|my) (?:text|paragraph|email|message|letter|essay|writing)|(?:fix|correct|check) (?:the |my )?grammar|reescrib|redact|resum[ei]|traduc|parafrase|corrig|mejora (?:este|el|mi) texto|umschreib|umformulier|formulier|zusammenfass|übersetz|korrigier|verbesser)|改写|改寫|润色|潤色|总结|總結|概括|翻译|翻譯|译成|重写|缩写|扩写|校对|摘要|改一下|修改一下|번역|요약|다듬|고쳐|교정|첨삭|바꿔 ?줘|정리해|翻訳|要約|書き直|添削|校正|言い換え|まとめて", RegexOptions.IgnoreCase)]
    private static partial Regex Rewrite();

    // Asked to write a text that is neither code, fiction nor a job application: an email, a message, a post, a speech.
    [GeneratedRegex(@"\b(?:write|draft|compose|prepare|create|generate|give me|come up with)\b(?: me| us| up)?(?: (?!cover\b|python\b|java\w*\b|sql\b|code\b|script\b|function\b|program\b|regex\b|query\b)[\w'-]+){0,3}? (?:e-?mails?|letters?|messages?|repl(?:y|ies)|responses?|texts?|posts?|captions?|tweets?|threads?|speech(?:es)?|toasts?|essays?|articles?|blogs?|bio|descriptions?|announcements?|newsletters?|paragraphs?|reviews?|invitations?|apolog(?:y|ies)|complaints?|notes?)\b|\b(?:escrib|redact)\w* (?:un |una |el |la |mi )?(?:correo|e-?mail|mensaje|carta|texto|post|publicaci[oó]n|discurso|ensayo|art[ií]culo|rese[nñ]a|respuesta|descripci[oó]n)|\bschreib\w* (?:mir |uns )?(?:eine[nm]? |die |den |das )?(?:e-?mail|mail|brief|nachricht|text|antwort|beitrag|post|rede|aufsatz|artikel|einladung|beschwerde|beschreibung)|(?:写|寫)(?:一封|封|一篇|篇|一段|段|一条|条|个|一个)?(?:邮件|郵件|信|文章|作文|文案|朋友圈|致辞|发言稿|演讲稿|通知|回复|评论|介绍|描述)|(?:메일|이메일|문자|편지|답장|인사말|공지|게시글|후기|축사|글|소개글|문구)(?:을|를|좀)? ?(?:써|작성)|(?:メール|手紙|文章|挨拶|スピーチ|返信|案内文|紹介文)(?:を)?(?:書いて|作って|作成して)", RegexOptions.IgnoreCase)]
    private static partial Regex Compose();

    // Asking what something is or why: the shape of a question about a subject.
    [GeneratedRegex(@"\b(?:what (?:is|are|was|were|does|do) (?:a |an |the )?\w+|why (?:is|are|do|does|did)|how (?:does|do|did) (?:a |an |the )?\w+ work|explain|difference between|what's the difference|meaning of|definition of|qu[eé] (?:es|son|significa)|por qu[eé]|expl[ií]ca|diferencia entre|was (?:ist|sind|bedeutet)|warum|wieso|erkl[äa]r|unterschied zwischen)|什么是|是什么|为什么|為什麼|什么意思|區別|区别|원리|뭐야|무엇인가|뭔가요|왜 |차이|의미가|설명해|とは|なぜ|違い|意味|説明して", RegexOptions.IgnoreCase)]
    private static partial Regex Question();

    [GeneratedRegex("[\"“”«»「」『』]")]
    private static partial Regex QuotedText();
}

// Code: Pasted code, identifiers, traces: points at programming.
// RolePlay: The model asked to play a role: points at creative work.
// Rewrite:
// A text to rewrite, summarise or translate (1 when it is pasted, 0.3 when only asked for), or an email, message or post to
// write (0.6): writing.
//
// Question: Asking what something is or why: learning.
internal readonly record struct ShapeCues(float Code, float RolePlay, float Rewrite, float Question)
{
    public float this[int cue] => cue switch { 0 => Code, 1 => RolePlay, 2 => Rewrite, _ => Question };
}
