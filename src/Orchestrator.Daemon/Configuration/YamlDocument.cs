using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Parses configuration text (a file's or a control API body's) into a YAML stream, turning every
/// failure of the parser into one <see cref="ConfigError"/> with the source, line and column, the
/// key being read and the reason. YamlDotNet reports most malformed input as a
/// <see cref="YamlException"/>, but some — an unclosed flow sequence followed by more keys, e.g.
/// <c>max_daily_loss: [0.02</c> above the rest of the file — end in an
/// <see cref="InvalidOperationException"/> from its scanner; none of them may escape into a caller
/// (the risk file watcher runs on a timer thread, where an escaping exception aborts the process).
/// </summary>
internal static class YamlDocument
{
    /// <summary>The parsed stream, or null with the problem added to <paramref name="errors"/>.</summary>
    /// <param name="text">The whole text.</param>
    /// <param name="source">The file (or "control API") the errors name.</param>
    /// <param name="format">What the text is meant to be ("YAML", "JSON"), for the message.</param>
    /// <param name="errors">Where the problem goes.</param>
    public static YamlStream? Parse(string text, string source, string format, List<ConfigError> errors)
    {
        var parser = new KeyTrackingParser(new Parser(new StringReader(text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
            return stream;
        }
        catch (YamlException ex)
        {
            errors.Add(new ConfigError(source, parser.KeyPath, $"malformed {format}: {ConfigError.FirstLine(ex.Message)}", (int)ex.Start.Line, (int)ex.Start.Column));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The parser gave up without saying where (InvalidOperationException, whatever comes next):
            // the last event it produced is where the damage starts.
            Mark at = parser.LastStart;
            errors.Add(new ConfigError(source, parser.KeyPath, $"malformed {format}: cannot be parsed from here on (look for an unclosed [, {{ or quote)", (int)at.Line, (int)at.Column));
        }

        return null;
    }


    /// <summary>
    /// Passes the parser's events through and remembers the key path being read (the mapping keys
    /// above the current node) and where the last event started, for the error message.
    /// </summary>
    private sealed class KeyTrackingParser(IParser inner) : IParser
    {
        // One entry per open collection: a mapping expects a key or a value next; its current key.
        private readonly List<(bool Mapping, bool ExpectKey, string? Key)> _open = [];

        public ParsingEvent? Current => inner.Current;

        public Mark LastStart { get; private set; } = Mark.Empty;

        public string KeyPath => string.Join('.', _open.Where(o => o.Mapping && o.Key is not null).Select(o => o.Key));

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            ParsingEvent e = inner.Current!;
            LastStart = e.Start;
            switch (e)
            {
                case MappingStart:
                    Node(null);
                    _open.Add((true, true, null));
                    break;
                case SequenceStart:
                    Node(null);
                    _open.Add((false, false, null));
                    break;
                case MappingEnd or SequenceEnd when _open.Count > 0:
                    _open.RemoveAt(_open.Count - 1);
                    break;
                case Scalar scalar:
                    Node(scalar.Value);
                    break;
                case AnchorAlias:
                    Node(null);
                    break;
            }

            return true;
        }

        /// <summary>A node begins inside the innermost collection: in a mapping it is a key or a value, in turn.</summary>
        private void Node(string? scalar)
        {
            if (_open.Count == 0 || !_open[^1].Mapping)
            {
                return;
            }

            (bool mapping, bool expectKey, string? key) = _open[^1];
            _open[^1] = expectKey ? (mapping, false, scalar) : (mapping, true, key);
        }
    }
}
