/** Delivery faults for an emit or a scenario: extra copies, a delay before the first try, a bad signature. */
import type { Faults } from './types.js';

export const NO_FAULTS: Faults = { duplicates: 0, delaySeconds: 0, signature: 'valid' };

/** The request's `faults`, left out when none is chosen. */
export function chosenFaults(faults: Faults): Faults | undefined {
  const none =
    faults.duplicates === NO_FAULTS.duplicates &&
    faults.delaySeconds === NO_FAULTS.delaySeconds &&
    faults.signature === NO_FAULTS.signature;
  return none ? undefined : faults;
}

interface Props {
  /** Prefix of the fields' ids: both forms have these fields. */
  id: string;
  faults: Faults;
  onChange(faults: Faults): void;
}

export function FaultFields({ id, faults, onChange }: Props) {
  const whole = (value: string) => (value === '' ? 0 : Math.trunc(Number(value)));
  return (
    <fieldset class="faults">
      <legend>Faults</legend>
      <div class="field">
        <label for={`${id}-duplicates`}>Extra copies</label>
        <input
          id={`${id}-duplicates`}
          type="number"
          min={0}
          max={10}
          value={faults.duplicates}
          onInput={(event) => onChange({ ...faults, duplicates: whole(event.currentTarget.value) })}
        />
      </div>
      <div class="field">
        <label for={`${id}-delay`}>Delay (seconds)</label>
        <input
          id={`${id}-delay`}
          type="number"
          min={0}
          max={3600}
          value={faults.delaySeconds}
          onInput={(event) => onChange({ ...faults, delaySeconds: whole(event.currentTarget.value) })}
        />
      </div>
      <div class="field">
        <label for={`${id}-signature`}>Signature</label>
        <select
          id={`${id}-signature`}
          value={faults.signature}
          onChange={(event) => onChange({ ...faults, signature: event.currentTarget.value as Faults['signature'] })}
        >
          <option value="valid">valid</option>
          <option value="invalid">invalid (another key)</option>
          <option value="missing">missing</option>
        </select>
      </div>
    </fieldset>
  );
}
