using System.Globalization;
using System.Numerics;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Reads one YAML mapping with validation: every getter checks type and range, records a
/// <see cref="ConfigError"/> naming file, key path and reason (and line/column), and returns
/// the default so that all errors are collected in one pass. In strict files, keys nobody
/// asked for are errors too (<see cref="ReportUnknownKeys"/>).
/// </summary>
public sealed class YamlSection
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    private readonly string _path;
    private readonly List<ConfigError> _errors;
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public YamlSection(YamlMappingNode node, string file, string path, List<ConfigError> errors)
    {
        _node = node;
        _file = file;
        _path = path;
        _errors = errors;
    }

    public string File => _file;

    public IEnumerable<string> Keys => _node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty);

    public bool Has(string key) => Find(key) is not null;

    public YamlSection? Section(string key)
    {
        YamlNode? node = Find(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode map)
        {
            return new YamlSection(map, _file, Path(key), _errors);
        }

        Error(key, "must be a mapping of keys to values", node);
        return null;
    }

    public string? GetString(string key, string? fallback = null, bool required = false)
    {
        YamlNode? node = Find(key);
        if (node is null)
        {
            if (required)
            {
                Error(key, "is required", _node);
            }

            return fallback;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? fallback;
        }

        Error(key, "must be a single value", node);
        return fallback;
    }

    public decimal GetDecimal(string key, decimal fallback, decimal min, decimal max) =>
        GetNumber(key, fallback, min, max, NumberStyles.Float, "a number");

    public long GetLong(string key, long fallback, long min, long max) =>
        GetNumber(key, fallback, min, max, NumberStyles.Integer, "a whole number");

    /// <summary>A number of type <typeparamref name="T"/> within [min, max], or the fallback with an error naming the key.</summary>
    private T GetNumber<T>(string key, T fallback, T min, T max, NumberStyles styles, string kind)
        where T : INumber<T>
    {
        YamlScalarNode? scalar = Scalar(key);
        if (scalar is null)
        {
            return fallback;
        }

        if (!T.TryParse(scalar.Value, styles, CultureInfo.InvariantCulture, out T? value))
        {
            Error(key, $"must be {kind}, got '{scalar.Value}'", scalar);
            return fallback;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {Format(min)} and {Format(max)}, got {Format(value)}", scalar);
            return fallback;
        }

        return value;
    }

    public int GetInt(string key, int fallback, int min, int max) => (int)GetLong(key, fallback, min, max);

    public bool GetBool(string key, bool fallback)
    {
        YamlScalarNode? scalar = Scalar(key);
        if (scalar is null)
        {
            return fallback;
        }

        switch ((scalar.Value ?? string.Empty).ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                Error(key, $"must be true or false, got '{scalar.Value}'", scalar);
                return fallback;
        }
    }

    /// <summary>A duration as seconds (<c>2</c>, <c>0.5</c>) or with a unit (<c>500ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>).</summary>
    public TimeSpan GetDuration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        YamlScalarNode? scalar = Scalar(key);
        if (scalar is null)
        {
            return fallback;
        }

        if (!Hosting.DurationParser.TryParse(scalar.Value, out TimeSpan value, out _, allowZero: true, bareNumberIsSeconds: true))
        {
            Error(key, $"must be a duration such as 2s, 500ms or 5m, got '{scalar.Value}'", scalar);
            return fallback;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {min} and {max}, got {value}", scalar);
            return fallback;
        }

        return value;
    }

    /// <summary>A time of day, <c>HH:mm</c> or <c>HH:mm:ss</c> (UTC).</summary>
    public TimeSpan GetTimeOfDay(string key, TimeSpan fallback)
    {
        YamlScalarNode? scalar = Scalar(key);
        if (scalar is null)
        {
            return fallback;
        }

        if (TimeSpan.TryParseExact(scalar.Value, ["hh\\:mm", "hh\\:mm\\:ss"], CultureInfo.InvariantCulture, out TimeSpan value) && value < TimeSpan.FromDays(1))
        {
            return value;
        }

        Error(key, $"must be a UTC time of day such as 13:30, got '{scalar.Value}'", scalar);
        return fallback;
    }

    /// <summary>One of a fixed set of names (case-insensitive), mapped to a value.</summary>
    public TValue GetEnum<TValue>(string key, TValue fallback, IReadOnlyDictionary<string, TValue> names)
    {
        YamlScalarNode? scalar = Scalar(key);
        if (scalar is null)
        {
            return fallback;
        }

        if (names.TryGetValue((scalar.Value ?? string.Empty).Trim().ToLowerInvariant(), out TValue? value))
        {
            return value!;
        }

        Error(key, $"must be one of {string.Join(", ", names.Keys)}, got '{scalar.Value}'", scalar);
        return fallback;
    }

    /// <summary>Whether <paramref name="key"/> holds a list whose items are all plain values.</summary>
    public bool IsScalarList(string key) => Find(key) is YamlSequenceNode sequence && sequence.Children.All(c => c is YamlScalarNode);

    /// <summary>A list of scalars (<c>[a, b]</c> or one per line).</summary>
    public IReadOnlyList<string>? GetStringList(string key)
    {
        YamlNode? node = Find(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlSequenceNode sequence)
        {
            var values = new List<string>();
            foreach (YamlNode item in sequence.Children)
            {
                if (item is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value))
                {
                    values.Add(s.Value.Trim());
                }
                else
                {
                    Error(key, "must be a list of plain values", item);
                }
            }

            return values;
        }

        Error(key, "must be a list", node);
        return null;
    }

    /// <summary>The items of a list of mappings (e.g. a watch list with per-symbol settings).</summary>
    public IReadOnlyList<YamlSection>? GetSectionList(string key)
    {
        YamlNode? node = Find(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(key, "must be a list", node);
            return null;
        }

        var items = new List<YamlSection>();
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlMappingNode map)
            {
                items.Add(new YamlSection(map, _file, Path(key) + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", _errors));
            }
            else
            {
                Error(key + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", "must be a mapping", sequence.Children[i]);
            }
        }

        return items;
    }

    /// <summary>Records an error for <paramref name="key"/> of this section (cross-field rules).</summary>
    public void Error(string key, string message, YamlNode? at = null)
    {
        YamlNode node = at ?? Find(key) ?? _node;
        _errors.Add(new ConfigError(_file, Path(key), message, (int)node.Start.Line, (int)node.Start.Column));
    }

    /// <summary>Every key of this section that no getter asked for is an error (strict files).</summary>
    public void ReportUnknownKeys()
    {
        foreach ((YamlNode keyNode, _) in _node.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!_consumed.Contains(key))
            {
                _errors.Add(new ConfigError(_file, Path(key), "is not a known key", (int)keyNode.Start.Line, (int)keyNode.Start.Column));
            }
        }
    }

    private YamlScalarNode? Scalar(string key)
    {
        YamlNode? node = Find(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && !string.IsNullOrEmpty(scalar.Value))
        {
            return scalar;
        }

        Error(key, node is YamlScalarNode ? "must not be empty" : "must be a single value", node);
        return null;
    }

    private YamlNode? Find(string key)
    {
        _consumed.Add(key);
        foreach ((YamlNode k, YamlNode v) in _node.Children)
        {
            if (k is YamlScalarNode s && string.Equals(s.Value, key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    private string Path(string key) => _path.Length == 0 ? key : _path + "." + key;

    private static string Format<T>(T value)
        where T : INumber<T> => value.ToString("0.##########", CultureInfo.InvariantCulture);
}
