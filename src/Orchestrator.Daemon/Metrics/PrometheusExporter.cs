using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Orchestrator.Daemon.Metrics;

/// <summary>
/// Renders the current values of the given meters' observable instruments in the Prometheus text
/// exposition format 0.0.4: a scrape calls <see cref="MeterListener.RecordObservableInstruments"/>
/// and writes <c># HELP</c>, <c># TYPE</c> and one line per tag set. An instrument
/// <c>orchestrator.engine.events</c> (counter) becomes <c>orchestrator_engine_events_total</c>; a unit
/// of bytes or seconds or microseconds is added to the name (<c>_bytes</c>, <c>_seconds</c>, <c>_microseconds</c>).
/// A histogram is three observable counters created one after the other, <c>NAME.bucket</c> (cumulative,
/// tagged <c>le</c>), <c>NAME.sum</c> and <c>NAME.count</c>: they are rendered as one Prometheus histogram
/// <c>NAME_bucket</c>, <c>NAME_sum</c>, <c>NAME_count</c> (e.g. <c>orchestrator_llm_call_duration_seconds_bucket</c>).
/// </summary>
/// <remarks>
/// A small listener of our own rather than OpenTelemetry.Exporter.Prometheus.AspNetCore: that
/// package is still a beta, pulls in the OpenTelemetry SDK for one endpoint, and our instruments
/// are all observable, so a scrape only has to ask them. Push instruments (<see cref="Counter{T}"/>,
/// <see cref="Histogram{T}"/>) would need aggregation here; none is used, and they are ignored.
/// Only the meters given are listened to (by reference), so two sessions in one process (tests)
/// never mix. Scrapes are serialised; each runs on the request's thread, on the slow path.
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The content type of the 0.0.4 text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly HashSet<Meter> _meters;
    private readonly MeterListener _listener = new();
    private readonly List<Instrument> _instruments = [];
    private readonly Dictionary<Instrument, List<(double Value, KeyValuePair<string, object?>[] Tags)>> _values = [];
    private readonly Lock _gate = new();

    public PrometheusExporter(IEnumerable<Meter> meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meters = [.. meters];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter) && instrument.IsObservable)
            {
                lock (_gate)
                {
                    _instruments.Add(instrument);
                    _values[instrument] = [];
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_gate)
            {
                _instruments.Remove(instrument);
                _values.Remove(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Collect(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Collect(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Collect(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Asks every instrument for its value now and renders them all.</summary>
    public string Scrape()
    {
        lock (_gate)
        {
            foreach (List<(double, KeyValuePair<string, object?>[])> list in _values.Values)
            {
                list.Clear();
            }

            _listener.RecordObservableInstruments(); // callbacks run here, on this thread (the lock is re-entrant)
            var text = new StringBuilder(8192);
            foreach (Instrument instrument in _instruments)
            {
                if (HistogramPart(instrument) is { } part)
                {
                    RenderHistogramPart(text, instrument, part, _values[instrument]);
                }
                else
                {
                    Render(text, instrument, _values[instrument]);
                }
            }

            return text.ToString();
        }
    }

    private void Collect(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            if (_values.TryGetValue(instrument, out List<(double, KeyValuePair<string, object?>[])>? list))
            {
                list.Add((value, tags.ToArray()));
            }
        }
    }

    private static void Render(StringBuilder text, Instrument instrument, List<(double Value, KeyValuePair<string, object?>[] Tags)> values)
    {
        bool counter = IsCounter(instrument);
        string name = MetricName(instrument.Name, instrument.Unit, counter);
        AppendHeader(text, name, instrument, counter ? "counter" : "gauge");
        AppendSamples(text, name, values);
    }

    private static void AppendHeader(StringBuilder text, string name, Instrument instrument, string type)
    {
        string help = (instrument.Description ?? instrument.Name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>"bucket", "sum" or "count" when <paramref name="instrument"/> is part of a histogram (an observable counter named NAME.bucket, or NAME.sum / NAME.count beside one); null otherwise.</summary>
    private string? HistogramPart(Instrument instrument)
    {
        if (!IsCounter(instrument))
        {
            return null;
        }

        int dot = instrument.Name.LastIndexOf('.');
        string part = dot < 0 ? string.Empty : instrument.Name[(dot + 1)..];
        if (part == "bucket")
        {
            return part;
        }

        if (part is "sum" or "count")
        {
            string bucket = instrument.Name[..dot] + ".bucket";
            foreach (Instrument other in _instruments)
            {
                if (other.Name == bucket && other.Meter == instrument.Meter)
                {
                    return part;
                }
            }
        }

        return null;
    }

    private static void RenderHistogramPart(StringBuilder text, Instrument instrument, string part, List<(double Value, KeyValuePair<string, object?>[] Tags)> values)
    {
        string family = MetricName(instrument.Name[..instrument.Name.LastIndexOf('.')], instrument.Unit, counter: false);
        if (part == "bucket")
        {
            AppendHeader(text, family, instrument, "histogram");
        }

        AppendSamples(text, family + "_" + part, values);
    }

    private static void AppendSamples(StringBuilder text, string name, List<(double Value, KeyValuePair<string, object?>[] Tags)> values)
    {
        foreach ((double value, KeyValuePair<string, object?>[] tags) in values)
        {
            text.Append(name);
            if (tags.Length > 0)
            {
                text.Append('{');
                for (int i = 0; i < tags.Length; i++)
                {
                    text.Append(i == 0 ? string.Empty : ",").Append(Sanitize(tags[i].Key)).Append("=\"");
                    AppendLabelValue(text, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty);
                    text.Append('"');
                }

                text.Append('}');
            }

            text.Append(' ').Append(FormatValue(value)).Append('\n');
        }
    }

    private static bool IsCounter(Instrument instrument)
    {
        Type type = instrument.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ObservableCounter<>);
    }

    /// <summary>orchestrator.engine.events → orchestrator_engine_events_total (counters), with the unit's suffix.</summary>
    internal static string MetricName(string instrumentName, string? unit, bool counter)
    {
        string name = Sanitize(instrumentName);
        string suffix = unit switch
        {
            "By" => "_bytes",
            "s" => "_seconds",
            "us" => "_microseconds",
            _ => string.Empty,
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        return counter ? name + "_total" : name;
    }

    /// <summary>Characters outside [a-zA-Z0-9_] become '_'; a leading digit gets a '_' before it.</summary>
    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        if (name.Length > 0 && char.IsAsciiDigit(name[0]))
        {
            text.Append('_');
        }

        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return text.ToString();
    }

    private static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }
    }

    internal static string FormatValue(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();
}
