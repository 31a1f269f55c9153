using System.Text.Json;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// An agent's hello (agent protocol v1), validated:
/// <c>{"type":"hello","name":"sma_agent","version":"1.0","symbols":["AAPL"],"ticks":true,"bars":["1m"],"methods":["get_state"],"last_fill_seq":0}</c>.
/// Read on the connection's reader (slow path, rare): it may allocate.
/// </summary>
internal sealed class AgentHello
{
    public const int MaxNameLength = SignalLimits.MaxSourceLength;

    public required string Name { get; init; }

    public string Version { get; init; } = "";

    /// <summary>Symbol ids (engine's table), in the order given, without repeats.</summary>
    public required int[] SymbolIds { get; init; }

    public bool Ticks { get; init; }

    /// <summary>Bit mask over <see cref="BarTimeframes"/>.</summary>
    public int BarMask { get; init; }

    public required string[] Methods { get; init; }

    /// <summary>The last fill the agent has seen; null = not given (no replay).</summary>
    public long? LastFillSeq { get; init; }

    /// <summary>Parses and validates a hello line; on failure <paramref name="error"/> names the field.</summary>
    public static AgentHello? Parse(ReadOnlySpan<byte> line, SymbolTable symbols, out string? error)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            return Parse(document.RootElement, symbols, out error);
        }
        catch (JsonException)
        {
            error = "hello: malformed JSON";
            return null;
        }
    }

    private static AgentHello? Parse(JsonElement root, SymbolTable symbols, out string? error)
    {
        error = null;
        if (!root.TryGetProperty("name", out JsonElement nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            error = "hello.name: required, a string";
            return null;
        }

        string name = nameElement.GetString()!.Trim();
        if (name.Length is 0 or > MaxNameLength || !SignalLimits.IsSafeText(name) || name.Contains(' ', StringComparison.Ordinal))
        {
            error = $"hello.name: 1 to {MaxNameLength} characters, no spaces or control characters";
            return null;
        }

        string version = "";
        if (root.TryGetProperty("version", out JsonElement v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind != JsonValueKind.String || v.GetString()!.Length > 64 || !SignalLimits.IsSafeText(v.GetString()))
            {
                error = "hello.version: a string of at most 64 characters";
                return null;
            }

            version = v.GetString()!;
        }

        var symbolIds = new List<int>();
        if (root.TryGetProperty("symbols", out JsonElement s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.Array)
            {
                error = "hello.symbols: must be an array of symbol names";
                return null;
            }

            foreach (JsonElement item in s.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    error = "hello.symbols: must be an array of symbol names";
                    return null;
                }

                string symbol = item.GetString()!;
                if (symbol.Equals("*", StringComparison.Ordinal))
                {
                    for (int id = 0; id < symbols.Count; id++)
                    {
                        symbolIds.Add(id);
                    }

                    continue;
                }

                if (!symbols.TryGetId(symbol.Trim().ToUpperInvariant(), out int symbolId))
                {
                    error = $"hello.symbols: '{Printable(symbol)}' is not traded here";
                    return null;
                }

                symbolIds.Add(symbolId);
            }
        }

        bool ticks = symbolIds.Count > 0;
        if (root.TryGetProperty("ticks", out JsonElement t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = "hello.ticks: must be true or false";
                return null;
            }

            ticks = t.GetBoolean();
        }

        int barMask = 0;
        if (root.TryGetProperty("bars", out JsonElement b) && b.ValueKind != JsonValueKind.Null)
        {
            if (b.ValueKind != JsonValueKind.Array)
            {
                error = "hello.bars: must be an array of timeframes (" + string.Join(", ", BarTimeframes.Names) + ")";
                return null;
            }

            foreach (JsonElement item in b.EnumerateArray())
            {
                int index = item.ValueKind == JsonValueKind.String ? BarTimeframes.IndexOf(item.GetString()!) : -1;
                if (index < 0)
                {
                    error = $"hello.bars: '{Printable(item.ToString())}' is not a timeframe (one of {string.Join(", ", BarTimeframes.Names)})";
                    return null;
                }

                barMask |= 1 << index;
            }
        }

        var methods = new List<string>();
        if (root.TryGetProperty("methods", out JsonElement m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Array)
            {
                error = "hello.methods: must be an array of method names";
                return null;
            }

            foreach (JsonElement item in m.EnumerateArray())
            {
                string? method = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (method is null || method.Length is 0 or > 64 || !SignalLimits.IsSafeText(method))
                {
                    error = "hello.methods: each a method name of 1 to 64 characters";
                    return null;
                }

                if (!methods.Contains(method))
                {
                    methods.Add(method);
                }
            }
        }

        long? lastFillSeq = null;
        if (root.TryGetProperty("last_fill_seq", out JsonElement l) && l.ValueKind != JsonValueKind.Null)
        {
            if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt64(out long value) || value < 0)
            {
                error = "hello.last_fill_seq: must be an integer ≥ 0";
                return null;
            }

            lastFillSeq = value;
        }

        return new AgentHello
        {
            Name = name,
            Version = version,
            SymbolIds = [.. symbolIds.Distinct()],
            Ticks = ticks,
            BarMask = barMask,
            Methods = [.. methods],
            LastFillSeq = lastFillSeq,
        };
    }

    private static string Printable(string text)
    {
        string cut = text.Length > 32 ? text[..32] + "…" : text;
        return SignalLimits.IsSafeText(cut) ? cut.Replace("'", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal) : "?";
    }
}
