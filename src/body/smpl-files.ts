/**
 * The official SMPL model files by gender, found in what a user passes to `--smpl`: the SMPL
 * download's model folder, or the files themselves. Genders come from the official file names
 * (basicModel_m/f/neutral_lbs_10_207_0_v1.0.0.pkl, the v1.1.0 basicmodel_* names, and
 * SMPL_MALE/FEMALE/NEUTRAL.pkl as the smplx package renames them); the files are read later, by
 * loadBodyModelFile, so a folder holding only some genders is fine until a missing one is needed.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BadInputFileError, UsageError } from '../errors.js';

export type SmplGender = 'male' | 'female' | 'neutral';
export const SMPL_GENDERS: readonly SmplGender[] = ['male', 'female', 'neutral'];

/** The name each gender's file has in the SMPL 1.0.0 download (what errors ask for). */
export const OFFICIAL_SMPL_FILE_NAMES: Readonly<Record<SmplGender, string>> = {
  male: 'basicModel_m_lbs_10_207_0_v1.0.0.pkl',
  female: 'basicModel_f_lbs_10_207_0_v1.0.0.pkl',
  neutral: 'basicModel_neutral_lbs_10_207_0_v1.0.0.pkl',
};

const GENDER_OF_CODE: Readonly<Record<string, SmplGender>> = { m: 'male', f: 'female', male: 'male', female: 'female', neutral: 'neutral' };

/** The gender an official SMPL file name stands for; undefined for any other name. */
export function genderOfSmplFileName(name: string): SmplGender | undefined {
  const match = /^basicmodel_(m|f|neutral)_lbs_10_207_0_v1\.\d\.\d\.pkl$/i.exec(name) ?? /^smpl_(male|female|neutral)\.pkl$/i.exec(name);
  return match ? GENDER_OF_CODE[match[1]!.toLowerCase()] : undefined;
}

export interface SmplFiles {
  /** The file of each gender that was found. */
  byGender: Partial<Record<SmplGender, string>>;
  /** The folder a missing gender's file was expected in (the first folder or file's folder given). */
  folder: string;
}

/** The model a body of `gender` is posed with: its own file, else the neutral one. */
export interface ChosenSmplFile {
  path: string;
  gender: SmplGender;
}

/**
 * Finds SMPL files in folders (their official names; other files are ignored) and named files
 * (which must carry an official name, since the name is all that tells the gender).
 */
export function findSmplFiles(paths: readonly string[]): SmplFiles {
  const byGender: Partial<Record<SmplGender, string>> = {};
  const add = (file: string, gender: SmplGender) => {
    const earlier = byGender[gender];
    if (earlier !== undefined && earlier !== file) throw new BadInputFileError(file, `a second ${gender} SMPL model (the first is ${earlier}); give one per gender`);
    byGender[gender] = file;
  };
  let folder: string | undefined;
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch (error) {
      throw new BadInputFileError(path, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    folder ??= isFolder ? path : dirname(path);
    if (!isFolder) {
      const gender = genderOfSmplFileName(basename(path));
      if (!gender) throw new BadInputFileError(path, `cannot tell the SMPL model's gender from its name; use the official names (${Object.values(OFFICIAL_SMPL_FILE_NAMES).join(', ')})`);
      add(path, gender);
      continue;
    }
    const found = readdirSync(path)
      .sort()
      .filter((name) => genderOfSmplFileName(name) !== undefined);
    if (found.length === 0) throw new BadInputFileError(path, `no SMPL model files (${Object.values(OFFICIAL_SMPL_FILE_NAMES).join(', ')})`);
    for (const name of found) add(join(path, name), genderOfSmplFileName(name)!);
  }
  if (folder === undefined) throw new UsageError('--smpl needs a folder of SMPL models or the .pkl files');
  return { byGender, folder };
}

/**
 * The file for a body of `gender`: its gendered model, else the neutral one (the caller reports
 * the substitution). Neither is a BadInputFileError naming the missing gendered file.
 */
export function chooseSmplFile(files: SmplFiles, gender: SmplGender, whose: string): ChosenSmplFile {
  const own = files.byGender[gender];
  if (own !== undefined) return { path: own, gender };
  const neutral = files.byGender.neutral;
  if (neutral !== undefined) return { path: neutral, gender: 'neutral' };
  throw new BadInputFileError(join(files.folder, OFFICIAL_SMPL_FILE_NAMES[gender]), `missing: ${whose} is ${gender} and there is no ${gender} (or neutral) SMPL model`);
}
