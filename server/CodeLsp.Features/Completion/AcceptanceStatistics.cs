using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Features.Completion;

/// <summary>Counters for one model, or one length bucket.</summary>
public sealed class AcceptanceCounters
{
    public long Shown { get; set; }
    public long Accepted { get; set; }
    public long PartiallyAccepted { get; set; }
    public long ShownChars { get; set; }
    public long AcceptedChars { get; set; }

    [JsonIgnore]
    public double AcceptanceRate => Shown == 0 ? 0 : (double)Accepted / Shown;
}

/// <summary>Counters for next edits of one source (compiler or model).</summary>
public sealed class NextEditCounters
{
    public long Shown { get; set; }
    public long Accepted { get; set; }
    public long Dismissed { get; set; }

    [JsonIgnore]
    public double AcceptanceRate => Shown == 0 ? 0 : (double)Accepted / Shown;
}

/// <summary>What is stored: per model, and per model and suggestion length.</summary>
public sealed class AcceptanceData
{
    public Dictionary<string, AcceptanceCounters> Models { get; set; } = [];
    public Dictionary<string, Dictionary<string, AcceptanceCounters>> ByLength { get; set; } = [];
    public DateTimeOffset Since { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Next edits by source ("compiler", "model"): shown, accepted, dismissed.</summary>
    public Dictionary<string, NextEditCounters> NextEdits { get; set; } = [];
}

/// <summary>
/// Local acceptance statistics: suggestions shown, accepted whole, accepted in part, by model and by length. They
/// let a user compare models on their own code. They are a file on this machine and never leave it; nothing here
/// touches the network. Writes are batched: at most one write per <see cref="SaveInterval"/>, and on dispose.
/// </summary>
public sealed class AcceptanceStatistics : IDisposable
{
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private static readonly (int Max, string Name)[] Buckets = [(10, "1-10 chars"), (40, "11-40 chars"), (120, "41-120 chars"), (int.MaxValue, "121+ chars")];

    private readonly string? _path;
    private readonly object _gate = new();
    private readonly AcceptanceData _data;
    private DateTime _lastSave = DateTime.MinValue;
    private bool _dirty;

    /// <param name="path">Where the counters live; null keeps them in memory only.</param>
    public AcceptanceStatistics(string? path)
    {
        _path = path;
        _data = path is not null ? Load(path) : new AcceptanceData();
    }

    /// <summary>stats.json in the <see cref="StateFolder"/>, beside the logs.</summary>
    public static string DefaultPath => Path.Combine(StateFolder.Resolve(), "stats.json");

    public static AcceptanceData Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<AcceptanceData>(File.ReadAllText(path)) ?? new() : new();
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return new AcceptanceData();
        }
    }

    public AcceptanceData Snapshot()
    {
        lock (_gate) return JsonSerializer.Deserialize<AcceptanceData>(JsonSerializer.Serialize(_data))!;
    }

    public void Shown(string model, int length) => Update(model, length, c => { c.Shown++; c.ShownChars += length; });

    public void Accepted(string model, int length) => Update(model, length, c => { c.Accepted++; c.AcceptedChars += length; });

    public void PartiallyAccepted(string model, int length, int acceptedChars) =>
        Update(model, length, c => { c.PartiallyAccepted++; c.AcceptedChars += acceptedChars; });

    public void NextEditShown(string source) => UpdateNextEdits(source, c => c.Shown++);

    public void NextEditAccepted(string source) => UpdateNextEdits(source, c => c.Accepted++);

    public void NextEditDismissed(string source) => UpdateNextEdits(source, c => c.Dismissed++);

    private void UpdateNextEdits(string source, Action<NextEditCounters> change)
    {
        lock (_gate)
        {
            if (!_data.NextEdits.TryGetValue(source, out var counters)) _data.NextEdits[source] = counters = new NextEditCounters();
            change(counters);
            _dirty = true;
            if (DateTime.UtcNow - _lastSave >= SaveInterval) SaveLocked();
        }
    }

    private void Update(string model, int length, Action<AcceptanceCounters> change)
    {
        lock (_gate)
        {
            change(Counters(_data.Models, model));
            var bucket = Buckets.First(b => length <= b.Max).Name;
            if (!_data.ByLength.TryGetValue(model, out var buckets)) _data.ByLength[model] = buckets = [];
            change(Counters(buckets, bucket));
            _dirty = true;
            if (DateTime.UtcNow - _lastSave >= SaveInterval) SaveLocked();
        }
    }

    private static AcceptanceCounters Counters(Dictionary<string, AcceptanceCounters> map, string key)
    {
        if (!map.TryGetValue(key, out var counters)) map[key] = counters = new AcceptanceCounters();
        return counters;
    }

    private void SaveLocked()
    {
        if (_path is null || !_dirty) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temp = _path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(_data, Json));
            File.Move(temp, _path, overwrite: true);
            _dirty = false;
            _lastSave = DateTime.UtcNow;
        }
        catch (IOException)
        {
            // Statistics are a convenience: a full disk or a read-only home must not disturb completions.
        }
    }

    public void Flush()
    {
        lock (_gate) SaveLocked();
    }

    public void Dispose() => Flush();
}
