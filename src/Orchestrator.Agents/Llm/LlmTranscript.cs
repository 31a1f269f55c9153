using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// The LLM transcript format (issue 18): JSON lines, one model call each, written by
/// <see cref="LlmTranscriptRecorder"/> and read back by <see cref="Read"/> for
/// <see cref="LlmTranscriptReplayer"/>.
/// <code>
/// {"v":1,"event_time_ns":1704205800000000000,"agent":"gemini_momentum","provider":"openai_compatible",
///  "model":"gemini-2.5-flash","prompt_sha256":"…","messages":[{"role":"system","text":"…"},{"role":"user","text":"…"}],
///  "answer":"{\"signals\":[]}","tool_calls":[],"usage":{"input_tokens":812,"output_tokens":14},
///  "failure":null,"latency_ms":912.4,"recorded_at":"2026-12-06T16:59:01.123Z"}
/// </code>
/// A failed call has <c>"answer":null</c> and <c>"failure":{"kind":"timeout","message":"…","http_status":null}</c>.
/// A process killed mid-write leaves at most a torn last line: <see cref="Read"/> ignores it (and says
/// so), and the recorder cuts it off before appending. Any other unreadable line is an error naming it.
/// </summary>
public static class LlmTranscript
{
    /// <summary>The format's version, written in every line as <c>v</c>.</summary>
    public const int Version = 1;

    /// <summary>The key of <see cref="ChatOptions.AdditionalProperties"/> that carries a call's event time (ns since the epoch, a long; contract R4).</summary>
    public const string EventTimeKey = "event_time_ns";

    /// <summary>The event time a caller put in <paramref name="options"/>, or null (a long, or anything convertible to one).</summary>
    public static long? EventTimeOf(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(EventTimeKey, out object? value) || value is null)
        {
            return null;
        }

        return value switch
        {
            long l => l,
            int i => i,
            JsonElement { ValueKind: JsonValueKind.Number } json when json.TryGetInt64(out long j) => j,
            IConvertible c => c.ToInt64(CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    /// <summary>
    /// A message as the transcript holds it: its text contents in order; a function call as
    /// <c>[call id name {args}]</c>, a function result as <c>[result id …]</c>; other contents (images,
    /// data) by their kind only.
    /// </summary>
    public static string MessageText(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Contents.Count == 1 && message.Contents[0] is TextContent only)
        {
            return only.Text;
        }

        var text = new StringBuilder();
        foreach (AIContent content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    text.Append("[call ").Append(call.CallId).Append(' ').Append(call.Name).Append(' ')
                        .Append(JsonSerializer.Serialize(call.Arguments)).Append(']');
                    break;
                case FunctionResultContent result:
                    text.Append("[result ").Append(result.CallId).Append(' ').Append(result.Result?.ToString()).Append(']');
                    break;
                default:
                    text.Append('[').Append(content.GetType().Name).Append(']');
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>SHA-256 (lower-case hex) of the messages: each role and text, length-prefixed so no two prompts share a digest by concatenation.</summary>
    public static string Hash(IReadOnlyList<LlmTranscriptMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (LlmTranscriptMessage m in messages)
        {
            foreach (string part in (ReadOnlySpan<string>)[m.Role, m.Text])
            {
                byte[] bytes = Encoding.UTF8.GetBytes(part);
                sha.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"));
                sha.AppendData(bytes);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The request's messages as the transcript holds them, each text passed through <paramref name="scrub"/>.</summary>
    public static IReadOnlyList<LlmTranscriptMessage> Messages(IEnumerable<ChatMessage> messages, Func<string, string> scrub)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(scrub);
        return [.. messages.Select(m => new LlmTranscriptMessage(m.Role.Value, scrub(MessageText(m))))];
    }

    /// <summary>One entry as one JSON line (no line break).</summary>
    public static string Serialize(LlmTranscriptEntry entry, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            WriteNullable(json, "event_time_ns", entry.EventTimeNs);
            json.WriteString("agent", entry.Agent);
            json.WriteString("provider", entry.Provider);
            json.WriteString("model", entry.Model);
            json.WriteString("prompt_sha256", entry.PromptSha256);
            json.WriteStartArray("messages");
            foreach (LlmTranscriptMessage m in entry.Messages)
            {
                json.WriteStartObject();
                json.WriteString("role", m.Role);
                json.WriteString("text", m.Text);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("answer", entry.Answer);
            json.WriteStartArray("tool_calls");
            foreach (LlmTranscriptToolCall call in entry.ToolCalls)
            {
                json.WriteStartObject();
                json.WriteString("id", call.CallId);
                json.WriteString("name", call.Name);
                json.WritePropertyName("arguments");
                json.WriteRawValue(call.ArgumentsJson);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("usage");
            WriteNullable(json, "input_tokens", entry.InputTokens);
            WriteNullable(json, "output_tokens", entry.OutputTokens);
            json.WriteEndObject();
            if (entry.Failure is { } failure)
            {
                json.WriteStartObject("failure");
                json.WriteString("kind", failure.Kind);
                json.WriteString("message", failure.Message);
                WriteNullable(json, "http_status", failure.HttpStatus);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("failure");
            }

            json.WriteNumber("latency_ms", Math.Round(entry.LatencyMs, 3));
            json.WriteString("recorded_at", recordedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Every entry of the transcript at <paramref name="path"/>, in order. A torn last line (a write cut
    /// short: no line break after it, not JSON) is left out and reported in <see cref="LlmTranscriptFile.TornTail"/>;
    /// any other line that is not a transcript line throws <see cref="InvalidDataException"/> naming the file, the line and why.
    /// </summary>
    public static LlmTranscriptFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"LLM transcript '{path}' does not exist", path);
        }

        string text = File.ReadAllText(path, Encoding.UTF8);
        string[] lines = text.Split('\n');
        var entries = new List<LlmTranscriptEntry>(lines.Length);
        bool torn = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            bool last = i == lines.Length - 1;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                entries.Add(Parse(line, i + 1));
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or FormatException)
            {
                if (last)
                {
                    torn = true; // no line break after it: the last write of a process that stopped mid-line
                    continue;
                }

                string reason = ex is JsonException ? "not JSON (" + ex.Message + ")" : ex.Message;
                throw new InvalidDataException($"LLM transcript '{path}' line {i + 1}: {reason}", ex);
            }
        }

        return new LlmTranscriptFile(path, entries, torn);
    }

    /// <summary>Index (0-based) and a short excerpt of where two texts first differ, for a refusal message.</summary>
    public static string DescribeDifference(IReadOnlyList<LlmTranscriptMessage> recorded, IReadOnlyList<LlmTranscriptMessage> now)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(now);
        if (recorded.Count != now.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{now.Count} messages, the transcript has {recorded.Count}");
        }

        for (int m = 0; m < now.Count; m++)
        {
            if (recorded[m].Role != now[m].Role)
            {
                return string.Create(CultureInfo.InvariantCulture, $"message {m + 1} is a {now[m].Role} message, the transcript's is {recorded[m].Role}");
            }

            string a = recorded[m].Text;
            string b = now[m].Text;
            int at = a.AsSpan().CommonPrefixLength(b);
            if (at < a.Length || at < b.Length)
            {
                return string.Create(CultureInfo.InvariantCulture, $"message {m + 1} ({now[m].Role}) differs at character {at + 1}: recorded \"{Excerpt(a, at)}\", now \"{Excerpt(b, at)}\"");
            }
        }

        return "the messages are equal but the transcript's prompt_sha256 is not theirs (the line was edited)";
    }

    private static string Excerpt(string text, int at)
    {
        int start = Math.Max(0, at - 20);
        int end = Math.Min(text.Length, at + 40);
        return text[start..end].ReplaceLineEndings("\\n");
    }

    private static LlmTranscriptEntry Parse(string line, int lineNumber)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("not a JSON object");
        }

        int version = Required(root, "v").GetInt32();
        if (version != Version)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"format version {version}, this build reads {Version}"));
        }

        var messages = new List<LlmTranscriptMessage>();
        foreach (JsonElement m in Required(root, "messages").EnumerateArray())
        {
            messages.Add(new LlmTranscriptMessage(RequiredString(m, "role"), RequiredString(m, "text")));
        }

        var calls = new List<LlmTranscriptToolCall>();
        if (root.TryGetProperty("tool_calls", out JsonElement toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement c in toolCalls.EnumerateArray())
            {
                calls.Add(new LlmTranscriptToolCall(RequiredString(c, "id"), RequiredString(c, "name"), Required(c, "arguments").GetRawText()));
            }
        }

        LlmTranscriptFailure? failure = null;
        if (root.TryGetProperty("failure", out JsonElement f) && f.ValueKind == JsonValueKind.Object)
        {
            failure = new LlmTranscriptFailure(RequiredString(f, "kind"), f.TryGetProperty("message", out JsonElement fm) ? fm.GetString() ?? string.Empty : string.Empty, OptionalInt(f, "http_status"));
        }

        JsonElement usage = root.TryGetProperty("usage", out JsonElement u) && u.ValueKind == JsonValueKind.Object ? u : default;
        string? answer = root.TryGetProperty("answer", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (answer is null && failure is null)
        {
            throw new InvalidDataException("neither an answer nor a failure");
        }

        return new LlmTranscriptEntry(
            lineNumber,
            OptionalLong(root, "event_time_ns"),
            RequiredString(root, "agent"),
            root.TryGetProperty("provider", out JsonElement p) ? p.GetString() ?? string.Empty : string.Empty,
            root.TryGetProperty("model", out JsonElement mo) ? mo.GetString() ?? string.Empty : string.Empty,
            messages,
            RequiredString(root, "prompt_sha256"),
            answer,
            calls,
            usage.ValueKind == JsonValueKind.Object ? OptionalLong(usage, "input_tokens") : null,
            usage.ValueKind == JsonValueKind.Object ? OptionalLong(usage, "output_tokens") : null,
            failure,
            root.TryGetProperty("latency_ms", out JsonElement l) && l.ValueKind == JsonValueKind.Number ? l.GetDouble() : 0);
    }

    private static JsonElement Required(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : throw new InvalidDataException($"'{name}' is missing");

    private static string RequiredString(JsonElement parent, string name) =>
        Required(parent, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new InvalidDataException($"'{name}' is not a string");

    private static long? OptionalLong(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    private static int? OptionalInt(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
