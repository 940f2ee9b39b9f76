package io.polku.samples;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects encoded records of all raw files while persons are generated one by one, spills them to
 * per-(file, day) temporary files, and finally writes every output file sorted by its sort key
 * (normally the record's timestamp), so memory stays bounded by one day of one file.
 */
final class Spool {

  /** A family of output files of one source: one file, or one per day ({@code {date}}). */
  record Target(String source, String pathPattern, boolean daily, String header) {}

  private static final char NEWLINE_ESCAPE = '\u0001';
  private static final long FLUSH_THRESHOLD = 400_000;

  private final Path outDir;
  private final Path tmpDir;
  private final TimeModel time;
  private final List<String> files = new ArrayList<>();
  private final List<Target> fileTargets = new ArrayList<>();
  private final Map<Target, Integer> firstFile = new HashMap<>();
  private final List<List<List<String>>> buffers = new ArrayList<>();
  private long sequence;
  private long buffered;

  Spool(Path outDir, TimeModel time) throws IOException {
    this.outDir = outDir;
    this.tmpDir = outDir.resolve(".spool");
    this.time = time;
    Files.createDirectories(tmpDir);
  }

  void register(Target target) {
    firstFile.put(target, files.size());
    int count = target.daily() ? time.days : 1;
    for (int d = 0; d < count; d++) {
      String path =
          target.daily()
              ? target.pathPattern().replace("{date}", time.date(d).toString())
              : target.pathPattern();
      files.add(path);
      fileTargets.add(target);
      List<List<String>> days = new ArrayList<>();
      for (int i = 0; i < time.days; i++) {
        days.add(null);
      }
      buffers.add(days);
    }
  }

  /** Adds a record placed by its timestamp-like sort key; returns the relative file path. */
  String add(Target target, long sortKey, String record) throws IOException {
    return add(target, time.dayIndex(sortKey), sortKey, record);
  }

  /** Adds a record to day bucket {@code day}; returns the relative file path. */
  String add(Target target, int day, long sortKey, String record) throws IOException {
    int file = firstFile.get(target) + (target.daily() ? day : 0);
    List<List<String>> days = buffers.get(file);
    List<String> bucket = days.get(day);
    if (bucket == null) {
      bucket = new ArrayList<>();
      days.set(day, bucket);
    }
    bucket.add(sortKey + "\t" + (sequence++) + "\t" + record.replace('\n', NEWLINE_ESCAPE));
    if (++buffered >= FLUSH_THRESHOLD) {
      flush();
    }
    return files.get(file);
  }

  private Path tmp(int file, int day) {
    return tmpDir.resolve(file + "-" + day + ".tmp");
  }

  private void flush() throws IOException {
    for (int f = 0; f < buffers.size(); f++) {
      List<List<String>> days = buffers.get(f);
      for (int d = 0; d < days.size(); d++) {
        List<String> bucket = days.get(d);
        if (bucket == null) {
          continue;
        }
        try (BufferedWriter w =
            Files.newBufferedWriter(
                tmp(f, d),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
          for (String line : bucket) {
            w.write(line);
            w.write('\n');
          }
        }
        days.set(d, null);
      }
    }
    buffered = 0;
  }

  private record Entry(long key, long seq, String text) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(key, o.key);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /**
   * Writes all output files (header first, records sorted) and removes the temporary files.
   *
   * @return records written per relative file path, in registration order
   */
  Map<String, Long> finish() throws IOException {
    flush();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int f = 0; f < files.size(); f++) {
      Path out = outDir.resolve(files.get(f));
      Files.createDirectories(out.getParent());
      long records = 0;
      try (BufferedWriter w =
          new BufferedWriter(
              new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8),
              1 << 16)) {
        String header = fileTargets.get(f).header();
        if (header != null) {
          w.write(header);
          w.write('\n');
        }
        for (int d = 0; d < time.days; d++) {
          Path tmp = tmp(f, d);
          if (!Files.exists(tmp)) {
            continue;
          }
          List<Entry> entries = new ArrayList<>();
          try (BufferedReader r = Files.newBufferedReader(tmp, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
              int a = line.indexOf('\t');
              int b = line.indexOf('\t', a + 1);
              entries.add(
                  new Entry(
                      Long.parseLong(line, 0, a, 10),
                      Long.parseLong(line, a + 1, b, 10),
                      line.substring(b + 1)));
            }
          }
          Entry[] sorted = entries.toArray(new Entry[0]);
          Arrays.sort(sorted);
          for (Entry e : sorted) {
            w.write(e.text().replace(NEWLINE_ESCAPE, '\n'));
            w.write('\n');
          }
          records += sorted.length;
          Files.delete(tmp);
        }
      }
      counts.put(files.get(f), records);
    }
    Files.deleteIfExists(tmpDir);
    return counts;
  }

  /** The output files of {@code source}, in order. */
  List<String> filesOf(String source) {
    List<String> result = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      if (fileTargets.get(f).source().equals(source)) {
        result.add(files.get(f));
      }
    }
    return result;
  }
}
