using System.Globalization;
using System.Text.Json;

namespace Orchestrator.Core;

/// <summary>
/// What was wrong with JSON from outside (a model's answer, a broker's), said without its text:
/// <see cref="JsonException.Message"/> quotes the offending input (<c>'not…' is an invalid JSON
/// literal</c>), and that input may carry a secret the sender echoed — so only the position is
/// ever shown, and scrubbing cannot miss a key that the message cut in half.
/// </summary>
public static class JsonErrorText
{
    /// <summary><c>invalid JSON at line L, byte B</c> (1-based), or <c>invalid JSON</c> when the position is unknown.</summary>
    public static string Of(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? string.Create(CultureInfo.InvariantCulture, $"invalid JSON at line {line + 1}, byte {position + 1}")
            : "invalid JSON";
    }
}
