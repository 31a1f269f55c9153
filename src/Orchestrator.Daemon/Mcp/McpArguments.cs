using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Daemon.Mcp;

/// <summary>
/// A tool call's arguments, read strictly: an argument the tool does not take, a missing
/// required one, or one of the wrong JSON type is a <see cref="McpToolException"/> naming it.
/// Numbers that are money or confidences are read as <see cref="decimal"/>.
/// </summary>
public sealed class McpArguments
{
    private const int SummaryValueLength = 48;
    private const int SummaryArguments = 8;
    private readonly IReadOnlyDictionary<string, JsonElement> _values;

    public McpArguments(IReadOnlyDictionary<string, JsonElement>? values)
    {
        _values = values ?? new Dictionary<string, JsonElement>(StringComparer.Ordinal);
    }

    /// <summary>Refuses any argument not in <paramref name="known"/>.</summary>
    public void AllowOnly(params string[] known)
    {
        foreach (string name in _values.Keys)
        {
            if (Array.IndexOf(known, name) < 0)
            {
                throw new McpToolException(known.Length == 0
                    ? $"{name}: this tool takes no arguments"
                    : $"{name}: not an argument of this tool (it takes {string.Join(", ", known)})");
            }
        }
    }

    public string? OptionalString(string name, int maxLength)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Wrong(name, "a string", value);
        }

        string text = value.GetString()!;
        return text.Length > maxLength ? throw new McpToolException($"{name}: at most {maxLength} characters, got {text.Length}") : text;
    }

    public string RequiredString(string name, int maxLength) =>
        OptionalString(name, maxLength) is { } text && !string.IsNullOrWhiteSpace(text) ? text : throw new McpToolException($"{name}: required, a non-empty string");

    public decimal? OptionalDecimal(string name)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal number) ? number : throw Wrong(name, "a number", value);
    }

    public decimal RequiredDecimal(string name) => OptionalDecimal(name) ?? throw new McpToolException($"{name}: required, a number");

    public int Int(string name, int fallback, int min, int max)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number))
        {
            throw Wrong(name, "a whole number", value);
        }

        return number < min || number > max ? throw new McpToolException($"{name}: must be between {min} and {max}, got {number}") : number;
    }

    public bool Bool(string name, bool fallback)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(name, "true or false", value),
        };
    }

    /// <summary>The argument as it came (for handing on to an agent, which checks it itself); null when absent.</summary>
    public JsonElement? Raw(string name) => TryGet(name, out JsonElement value) ? value : null;

    /// <summary>
    /// The arguments for the audit line: the first few names with short values, long ones cut, so
    /// a client cannot flood the log through one call (tools take no secrets).
    /// </summary>
    public string Summary()
    {
        var text = new StringBuilder();
        foreach ((string name, JsonElement value) in _values.OrderBy(v => v.Key, StringComparer.Ordinal).Take(SummaryArguments))
        {
            string raw = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            text.Append(text.Length == 0 ? string.Empty : " ").Append(Clip(name)).Append('=').Append(Clip(raw));
        }

        return _values.Count > SummaryArguments ? text.Append(CultureInfo.InvariantCulture, $" (+{_values.Count - SummaryArguments} more)").ToString() : text.ToString();
    }

    private bool TryGet(string name, out JsonElement value) =>
        _values.TryGetValue(name, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    private static McpToolException Wrong(string name, string expected, JsonElement value) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{name}: must be {expected}, got {value.ValueKind.ToString().ToLowerInvariant()} {Clip(value.GetRawText())}"));

    private static string Clip(string raw) => raw.Length > SummaryValueLength ? raw[..SummaryValueLength] + "…" : raw;
}
