using System.Text.Json;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>An agent protocol line's <c>type</c>.</summary>
internal enum AgentLineType : byte
{
    /// <summary>No type, or <c>"signal"</c>: today's signal object.</summary>
    Signal,
    Hello,
    Heartbeat,
    Response,
    Unknown,
}

/// <summary>Reads a line's top-level <c>type</c> without allocating; lines without the bytes <c>"type"</c> cost one vectorized search.</summary>
internal static class AgentLine
{
    public static AgentLineType Classify(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("\"type\""u8) < 0)
        {
            return AgentLineType.Signal;
        }

        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return AgentLineType.Signal; // the signal parser names the problem
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = !reader.ValueIsEscaped && reader.ValueTextEquals("type"u8);
                reader.Read();
                if (!isType)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                {
                    return AgentLineType.Unknown;
                }

                return reader.ValueTextEquals("signal"u8) ? AgentLineType.Signal
                    : reader.ValueTextEquals("heartbeat"u8) ? AgentLineType.Heartbeat
                    : reader.ValueTextEquals("hello"u8) ? AgentLineType.Hello
                    : reader.ValueTextEquals("response"u8) ? AgentLineType.Response
                    : AgentLineType.Unknown;
            }
        }
        catch (JsonException)
        {
            // malformed: the signal parser answers it
        }

        return AgentLineType.Signal;
    }
}
