using System.Text;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// Deterministic random and mutated request lines (never containing a newline): valid signals,
/// their mutations (bytes flipped, cut, repeated; escapes that decode to nothing such as lone
/// surrogates; invalid UTF-8; deep nesting) and plain random bytes.
/// </summary>
internal static class FuzzLines
{
    private static readonly string[] s_seeds =
    [
        "{\"id\":\"f\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.85,\"price\":175.5,\"reason\":\"breakout\",\"source\":\"fuzz\"}",
        "{\"symbol\":\"msft\",\"side\":\"sell\",\"confidence\":1,\"price\":null,\"reason\":null,\"id\":null}",
        "{\"symbol\":\"\\u0041APL\",\"side\":\"B\\u0055Y\",\"confidence\":0.5,\"reason\":\"caf\\u00e9 \\ud83d\\ude00\",\"extra\":{\"a\":[1,{\"b\":2}]}}",
        "{\"symbol\":\"\\ud800\",\"side\":\"BUY\",\"confidence\":0.5}",
        "{\"auth\":\"token\"}",
        "auth token",
        "[1,2,3]",
    ];

    private static readonly string[] s_pieces =
    [
        "\\ud800", "\\udc00", "\\udbff\\u0041", "\\ud800\\ud800", "\\u0000", "\\u2028", "\\u202e", "\\\"", "\\", "\"", "{", "}", "[", "]",
        ":", ",", "1e400", "-0", "NaN", "null", "true", "\\uZZZZ", "\\x", "\u00e9", "\U0001F600",
    ];

    private static readonly byte[][] s_rawPieces = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00], [(byte)'\r'], [(byte)'\t']];

    public static IEnumerable<byte[]> Generate(int seed, int count, int maxBytes)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            byte[] line = (i % 10) switch
            {
                0 => RandomBytes(random, random.Next(1, 200)),
                1 => Nested(random),
                _ => Mutate(random, Encoding.UTF8.GetBytes(s_seeds[random.Next(s_seeds.Length)])),
            };
            if (line.Length > maxBytes)
            {
                line = line[..maxBytes];
            }

            for (int k = 0; k < line.Length; k++)
            {
                if (line[k] == (byte)'\n')
                {
                    line[k] = (byte)' ';
                }
            }

            yield return line;
        }
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var line = new List<byte>(seed);
        int mutations = random.Next(1, 5);
        for (int m = 0; m < mutations && line.Count > 0; m++)
        {
            int at = random.Next(line.Count);
            switch (random.Next(6))
            {
                case 0:
                    line[at] = (byte)random.Next(256);
                    break;
                case 1:
                    line.InsertRange(at, Encoding.UTF8.GetBytes(s_pieces[random.Next(s_pieces.Length)]));
                    break;
                case 2:
                    line.InsertRange(at, s_rawPieces[random.Next(s_rawPieces.Length)]);
                    break;
                case 3:
                    line.RemoveRange(at, random.Next(line.Count - at + 1));
                    break;
                case 4:
                    line.InsertRange(at, line.GetRange(at, Math.Min(random.Next(1, 64), line.Count - at)));
                    break;
                default:
                    // a piece inside a string value: after a quote
                    int quote = line.IndexOf((byte)'"', at);
                    line.InsertRange(quote < 0 ? at : quote + 1, Encoding.UTF8.GetBytes(s_pieces[random.Next(s_pieces.Length)]));
                    break;
            }
        }

        return [.. line];
    }

    private static byte[] Nested(Random random)
    {
        int depth = random.Next(1, 40);
        var text = new StringBuilder("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"x\":");
        text.Append('[', depth).Append(random.Next(2) == 0 ? "\"\\ud800\"" : "1").Append(']', random.Next(depth + 1)).Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
