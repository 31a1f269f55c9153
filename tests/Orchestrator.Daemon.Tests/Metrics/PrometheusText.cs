using System.Globalization;
using System.Text;

namespace Orchestrator.Daemon.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, as much as a test needs: every
/// line is a <c># HELP</c>, a <c># TYPE</c> or a sample; names and label names are valid; label
/// values are quoted with only \\, \" and \n escaped; each family's TYPE comes once, before its
/// samples, and its samples are together (a histogram's are NAME_bucket, NAME_sum and NAME_count); no series twice; the text ends with a newline.
/// Anything else throws <see cref="FormatException"/> naming the line.
/// </summary>
internal sealed class PrometheusText
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);

    private PrometheusText()
    {
    }

    /// <summary>Family name → type.</summary>
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>Family name → help text.</summary>
    public Dictionary<string, string> Help { get; } = new(StringComparer.Ordinal);

    /// <summary>The value of <paramref name="name"/> with exactly these labels (none = no labels).</summary>
    public double Value(string name, params (string Label, string Value)[] labels) =>
        _samples.TryGetValue(Key(name, labels), out double value) ? value : throw new KeyNotFoundException("no series " + Key(name, labels));

    public bool Has(string name, params (string Label, string Value)[] labels) => _samples.ContainsKey(Key(name, labels));

    /// <summary>Every series of <paramref name="name"/>: its labels and value.</summary>
    public List<(Dictionary<string, string> Labels, double Value)> Series(string name) => [.. _series.Where(s => s.Name == name).Select(s => (s.Labels, s.Value))];

    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _series = [];

    public static PrometheusText Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the text does not end with a newline");
        }

        var result = new PrometheusText();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length - 1; n++)
        {
            string line = lines[n];
            string where = $"line {n + 1} '{line}'";
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string rest = line[7..];
                int space = rest.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0)
                {
                    throw new FormatException(where + ": no text after the name");
                }

                string name = rest[..space];
                RequireName(name, where);
                if (name != current)
                {
                    if (!finished.Add(name))
                    {
                        throw new FormatException(where + ": family " + name + " appears twice");
                    }

                    current = name;
                }

                if (line[2] == 'T')
                {
                    string type = rest[(space + 1)..];
                    if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                    {
                        throw new FormatException(where + ": unknown type " + type);
                    }

                    if (!result.Types.TryAdd(name, type))
                    {
                        throw new FormatException(where + ": second TYPE for " + name);
                    }
                }
                else if (!result.Help.TryAdd(name, rest[(space + 1)..]))
                {
                    throw new FormatException(where + ": second HELP for " + name);
                }

                continue;
            }

            if (line.Length == 0 || line[0] == '#')
            {
                throw new FormatException(where + ": empty line or unknown comment");
            }

            (string sample, Dictionary<string, string> labels, double value) = ParseSample(line, where);
            bool histogramPart = current is not null && result.Types.GetValueOrDefault(current) == "histogram"
                && (sample == current + "_bucket" || sample == current + "_sum" || sample == current + "_count");
            if ((sample != current || !result.Types.ContainsKey(sample)) && !histogramPart)
            {
                throw new FormatException(where + ": sample outside its family's block (or before its TYPE)");
            }

            string key = Key(sample, [.. labels.Select(l => (l.Key, l.Value))]);
            if (!result._samples.TryAdd(key, value))
            {
                throw new FormatException(where + ": series " + key + " twice");
            }

            result._series.Add((sample, labels, value));
        }

        return result;
    }

    private static (string Name, Dictionary<string, string> Labels, double Value) ParseSample(string line, string where)
    {
        int i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        string name = line[..i];
        RequireName(name, where);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                int eq = line.IndexOf('=', i);
                if (eq < 0)
                {
                    throw new FormatException(where + ": label without '='");
                }

                string label = line[i..eq];
                if (label.Length == 0 || !(char.IsAsciiLetter(label[0]) || label[0] == '_') || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    throw new FormatException(where + ": bad label name '" + label + "'");
                }

                i = eq + 1;
                if (i >= line.Length || line[i] != '"')
                {
                    throw new FormatException(where + ": label value not quoted");
                }

                var value = new StringBuilder();
                for (i++; ; i++)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException(where + ": unterminated label value");
                    }

                    char c = line[i];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        i++;
                        value.Append(i < line.Length ? line[i] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException(where + ": bad escape"),
                        } : throw new FormatException(where + ": bad escape"));
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException(where + ": label " + label + " twice");
                }

                i++;
                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    continue;
                }

                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                throw new FormatException(where + ": expected ',' or '}'");
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException(where + ": no value");
        }

        string[] rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException(where + ": expected a value and an optional timestamp");
        }

        double number = rest[0] switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new FormatException(where + ": bad value"),
        };
        return (name, labels, number);
    }

    private static void RequireName(string name, string where)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
        {
            throw new FormatException(where + ": bad metric name '" + name + "'");
        }
    }

    private static string Key(string name, (string Label, string Value)[] labels) =>
        name + "{" + string.Join(",", labels.OrderBy(l => l.Label, StringComparer.Ordinal).Select(l => l.Label + "=" + l.Value)) + "}";
}
