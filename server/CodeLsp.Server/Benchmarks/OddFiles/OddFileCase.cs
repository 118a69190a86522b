using System.Text;

namespace CodeLsp.Server.Benchmarks.OddFiles;

/// <summary>
/// One odd document: its didOpen frame (bytes, since some are deliberately not UTF-8) and a position to ask a completion at.
/// <see cref="Cases"/> lists them: 10 MB of C#, a 100,000-character line, binary content, invalid UTF-8, \r-only line ends.
/// </summary>
internal sealed record OddFileCase(string Name, string Uri, byte[] DidOpenFrame, int Line, int Character)
{
    public static IReadOnlyList<OddFileCase> Cases(int seed)
    {
        var random = new Random(seed);

        var big = new StringBuilder("namespace Big;\n\n");
        var classes = 0;
        while (big.Length < 10 * 1024 * 1024)
        {
            big.Append($"public sealed class Generated{classes++}\n{{\n    public int Value {{ get; set; }}\n    public int Twice() => Value * 2;\n    public override string ToString() => $\"Generated{{Value}}\";\n}}\n\n");
        }
        var bigLines = big.ToString().Split('\n').Length;

        var longLine = "var s = \"" + new string('a', 100_000) + "\";";
        var binary = new char[200_000];
        for (var i = 0; i < binary.Length; i++) binary[i] = (char)random.Next(0, 256);

        var carriageReturns = "class R\r{\r    void M()\r    {\r        var x = 1;\r        \r    }\r}\r";

        return
        [
            Open("10 MB document", "file:///odd/Big.cs", big.ToString(), bigLines - 3, 0),
            Open("100,000-character line", "file:///odd/LongLine.cs", "class L\n{\n    void M()\n    {\n        " + longLine + "\n    }\n}\n", 4, 50_000),
            Open("binary content (bytes 0-255 as chars)", "file:///odd/Binary.cs", new string(binary), 0, 0),
            new("invalid UTF-8 in the text", "file:///odd/Invalid.cs", InvalidUtf8Frame("file:///odd/Invalid.cs"), 0, 3),
            Open("\\r-only line ends", "file:///odd/Cr.cs", carriageReturns, 5, 8),
        ];
    }

    private static OddFileCase Open(string name, string uri, string text, int line, int character)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            jsonrpc = "2.0",
            method = Protocol.Methods.TextDocumentDidOpen,
            @params = new { textDocument = new { uri, languageId = "csharp", version = 1, text } },
        });
        return new OddFileCase(name, uri, Wire.LspWireClient.Frame(body), line, character);
    }

    /// <summary>A didOpen whose text holds bytes that are not UTF-8 (a Latin-1 file sent as is): the frame itself is invalid.</summary>
    private static byte[] InvalidUtf8Frame(string uri)
    {
        var prefix = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"method\":\"{Protocol.Methods.TextDocumentDidOpen}\",\"params\":{{\"textDocument\":{{\"uri\":\"{uri}\",\"languageId\":\"csharp\",\"version\":1,\"text\":\"caf");
        byte[] latin1 = [0xE9, 0x20, 0xFF, 0xFE, 0x80];
        var suffix = Encoding.UTF8.GetBytes("\"}}}");
        return Wire.LspWireClient.Frame([.. prefix, .. latin1, .. suffix]);
    }
}
