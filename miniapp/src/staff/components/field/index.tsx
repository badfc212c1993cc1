import { Input, Text, View } from '@tarojs/components';
import type { InputProps } from '@tarojs/components';
import './index.scss';

export interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: InputProps['type'];
  password?: boolean;
  maxlength?: number;
  /** Names the field for tests and styling: `field--<name>`. */
  name: string;
  disabled?: boolean;
  onConfirm?: () => void;
}

/** A labelled one-line input on both platforms. */
export function Field({
  label,
  value,
  onChange,
  placeholder,
  type = 'text',
  password = false,
  maxlength = 140,
  name,
  disabled = false,
  onConfirm,
}: FieldProps) {
  return (
    <View className={`field field--${name}`}>
      <Text className="field__label">{label}</Text>
      <Input
        className="field__input"
        name={name}
        value={value}
        type={type}
        password={password}
        placeholder={placeholder}
        placeholderClass="field__placeholder"
        maxlength={maxlength}
        disabled={disabled}
        onInput={(event) => onChange(event.detail.value)}
        onConfirm={onConfirm}
      />
    </View>
  );
}
